import tinygrad_rnn as torch
nn = torch.nn
pl = nn.ParameterList([nn.Parameter(torch.randn(2,3)), nn.Parameter(torch.randn(3))])
print(repr(pl)); print(list(dict(pl.named_parameters()).keys()), len(pl))
pl.append(torch.randn(2)); print(type(pl[2]).__name__, pl[2].requires_grad, pl[-1].shape)
pd = nn.ParameterDict({'a': nn.Parameter(torch.randn(2)), 'b': torch.zeros(3, dtype=torch.float64)})
print(repr(pd)); print(list(pd.state_dict().keys()), type(pd['b']).__name__, 'a' in pd, list(pd.keys()))
class M(nn.Module):
  def __init__(s): super().__init__(); s.ps = nn.ParameterList([nn.Parameter(torch.ones(1))]); s.d = nn.ParameterDict({'x': nn.Parameter(torch.ones(2))})
print(M()); print(list(M().state_dict()), len(list(M().parameters())))
print(repr(nn.ParameterList()))
for p in pl: print(p.shape)
try: pl[5]
except Exception as e: print(type(e).__name__, e)
