import tinygrad_rnn as torch
F = torch.nn.functional
nn = torch.nn
# Raschka, Liu & Mirjalili, "Machine Learning with PyTorch and Scikit-Learn", chapter 16 (transformers):
# basic self-attention over an embedded toy sentence with two loops of torch.dot, then with matmul;
# scaled dot-product attention with query/key/value matrices drawn by torch.rand; multi-head attention
# written with a (heads, d, d) weight stack, bmm, permute and repeat; checked against
# F.scaled_dot_product_attention and nn.MultiheadAttention with a key padding mask.
torch.manual_seed(123)
sentence = torch.tensor(
    [0,  # can
     7,  # you
     1,  # help
     2,  # me
     5,  # to
     6,  # translate
     4,  # this
     3]  # sentence
)
print(sentence)
embed = torch.nn.Embedding(10, 16)
embedded_sentence = embed(sentence).detach()
print(embedded_sentence.shape)
omega = torch.empty(8, 8)
for i, x_i in enumerate(embedded_sentence):
    for j, x_j in enumerate(embedded_sentence):
        omega[i, j] = torch.dot(x_i, x_j)
omega_mat = embedded_sentence.matmul(embedded_sentence.T)
print(torch.allclose(omega_mat, omega))
attention_weights = F.softmax(omega, dim=1)
print(attention_weights.shape)
print(attention_weights.sum(dim=1))
x_2 = embedded_sentence[1, :]
context_vec_2 = torch.zeros(x_2.shape)
for j in range(8):
    x_j = embedded_sentence[j, :]
    context_vec_2 += attention_weights[1, j] * x_j
print(context_vec_2)
context_vectors = torch.matmul(attention_weights, embedded_sentence)
print(torch.allclose(context_vec_2, context_vectors[1]))
# scaled dot-product attention with trainable-looking projections
torch.manual_seed(123)
d = embedded_sentence.shape[1]
U_query = torch.rand(d, d)
U_key = torch.rand(d, d)
U_value = torch.rand(d, d)
x_2 = embedded_sentence[1]
query_2 = U_query.matmul(x_2)
key_2 = U_key.matmul(x_2)
value_2 = U_value.matmul(x_2)
keys = U_key.matmul(embedded_sentence.T).T
print(torch.allclose(key_2, keys[1]))
values = U_value.matmul(embedded_sentence.T).T
print(torch.allclose(value_2, values[1]))
omega_23 = query_2.dot(keys[2])
print(omega_23)
omega_2 = query_2.matmul(keys.T)
print(omega_2)
attention_weights_2 = F.softmax(omega_2 / d**0.5, dim=0)
print(attention_weights_2)
context_vector_2 = attention_weights_2.matmul(values)
print(context_vector_2)
queries = embedded_sentence.matmul(U_query.T)
sdpa = F.scaled_dot_product_attention(queries.unsqueeze(0), keys.unsqueeze(0), values.unsqueeze(0))
print(sdpa.shape, torch.allclose(sdpa[0, 1], context_vector_2, atol=1e-4))
# multi-head attention
torch.manual_seed(123)
d = embedded_sentence.shape[1]
one_U_query = torch.rand(d, d)
h = 8
multihead_U_query = torch.rand(h, d, d)
multihead_U_key = torch.rand(h, d, d)
multihead_U_value = torch.rand(h, d, d)
multihead_query_2 = multihead_U_query.matmul(x_2)
print(multihead_query_2.shape)
multihead_key_2 = multihead_U_key.matmul(x_2)
multihead_value_2 = multihead_U_value.matmul(x_2)
print(multihead_key_2[2])
stacked_inputs = embedded_sentence.T.repeat(8, 1, 1)
print(stacked_inputs.shape)
multihead_keys = torch.bmm(multihead_U_key, stacked_inputs)
print(multihead_keys.shape)
multihead_keys = multihead_keys.permute(0, 2, 1)
print(multihead_keys.shape)
print(multihead_keys[2, 1])
multihead_values = torch.matmul(multihead_U_value, stacked_inputs)
multihead_values = multihead_values.permute(0, 2, 1)
multihead_z_2 = torch.rand(8, 16)
linear = torch.nn.Linear(8 * 16, 16)
context_vector_2 = linear(multihead_z_2.flatten())
print(context_vector_2.shape)
print(context_vector_2)
# the same computation with torch's own module, masking the last two tokens as padding
torch.manual_seed(123)
mha = nn.MultiheadAttention(embed_dim=16, num_heads=4, batch_first=True)
print(mha)
print([(name, tuple(p.shape)) for name, p in mha.named_parameters()])
batch = embedded_sentence.unsqueeze(0).repeat(2, 1, 1)
key_padding_mask = torch.tensor([[False] * 8, [False] * 6 + [True] * 2])
out, weights = mha(batch, batch, batch, key_padding_mask=key_padding_mask)
print(out.shape, weights.shape)
print(weights[1, 0])
print(weights[1, :, 6:].abs().max().item())
out_heads, weights_heads = mha(batch, batch, batch, key_padding_mask=key_padding_mask,
                               average_attn_weights=False, need_weights=True)
print(weights_heads.shape)
print(torch.allclose(weights_heads.mean(dim=1), weights))
out.sum().backward()
print(mha.in_proj_weight.grad.shape, mha.out_proj.weight.grad.norm())
print(out.grad_fn)
