"""The "hello" example of the RNN basics lesson, running on tinygrad_rnn.

The lesson's PyTorch code, line for line; only the import changes.

    python examples/hello_rnn.py                   # shapes, outputs, and the check against PyTorch
    python examples/hello_rnn.py --plot out.png    # also draw the outputs (needs matplotlib)
"""
import numpy as np

import tinygrad_rnn as torch

try:  # run as a script (python examples/hello_rnn.py) or imported from the tests
    from _common import example_parser, pyplot
except ImportError:
    from examples._common import example_parser, pyplot

# One-hot vectors for the four letters of "hello".
h = [1, 0, 0, 0]
e = [0, 1, 0, 0]
l = [0, 0, 1, 0]  # noqa: E741  (the lesson's name for the letter l)
o = [0, 0, 0, 1]


def main(argv=None):
    args = example_parser(__doc__.splitlines()[0], plot_help="draw the outputs to FILE (needs matplotlib)"
                          ).parse_args(argv)
    torch.manual_seed(args.seed)  # the RNN's initial weights

    # Three words of five letters: "hello", "eolll", "lleel".
    input_data_np = np.array([[h, e, l, l, o],
                              [e, o, l, l, l],
                              [l, l, e, e, l]], dtype=np.float32)
    print("input shape:", input_data_np.shape)  # (3, 5, 4)

    # An RNN reading 4 features (one-hot letters) and keeping a hidden state of 2 numbers.
    rnn = torch.nn.RNN(4, 2)

    outputs, _status = rnn(torch.Tensor(input_data_np))

    # nn.RNN is seq-first by default: it reads dim 0 as the sequence and dim 1 as the batch. So this
    # input is seq_len=3, batch=5 (five sequences of three steps), not three words of five letters.
    # Pass batch_first=True to read it as batch=3, seq_len=5.
    print("outputs shape:", tuple(outputs.shape))  # (3, 5, 2): one hidden state per step and sequence
    print("_status shape:", tuple(_status.shape))  # (1, 5, 2): the last hidden state of each sequence
    print(outputs)

    compare_with_pytorch(rnn, input_data_np, outputs)
    if args.plot:
        plot_outputs(outputs, args.plot)
    return outputs


def compare_with_pytorch(rnn, input_data_np, outputs):
    """With real PyTorch installed, copy our weights into torch's RNN and compare the outputs."""
    try:
        import torch as real_torch
    except ImportError:
        return
    reference = real_torch.nn.RNN(4, 2)
    reference.load_state_dict({name: real_torch.from_numpy(value.numpy().copy())
                               for name, value in rnn.state_dict().items()})
    ref_outputs, ref_status = reference(real_torch.Tensor(input_data_np))
    ours = outputs.detach().numpy()
    theirs = ref_outputs.detach().numpy()
    print("PyTorch gives the same outputs:", np.allclose(ours, theirs, rtol=1e-5, atol=1e-6),
          f"(largest difference {np.abs(ours - theirs).max():.1e})")


def plot_outputs(outputs, path):
    """One heat map per hidden unit: time steps down, the five sequences across."""
    plt = pyplot(path)
    if plt is None:
        return False
    values = outputs.detach().numpy()
    fig, axes = plt.subplots(1, values.shape[2], figsize=(7, 2.8))
    for unit, ax in enumerate(axes):
        image = ax.imshow(values[:, :, unit], vmin=-1, vmax=1, cmap="coolwarm")
        ax.set_title(f"hidden unit {unit}")
        ax.set_xlabel("sequence (batch)")
        ax.set_ylabel("time step")
    fig.colorbar(image, ax=axes.tolist())
    fig.savefig(path)
    plt.close(fig)
    print("wrote", path)
    return True


if __name__ == "__main__":
    main()
