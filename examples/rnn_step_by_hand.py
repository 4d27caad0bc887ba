"""One RNN step written with Tensor ops, next to nn.RNNCell: the same numbers, the same gradients.

    h' = tanh(x @ W_ih^T + b_ih + h @ W_hh^T + b_hh)

Then the graph of that one step is printed in Graphviz's DOT language, and drawn with --plot FILE
(.svg everywhere; .png and .pdf need Graphviz's `dot` program).

    python examples/rnn_step_by_hand.py
    python examples/rnn_step_by_hand.py --plot step.svg
"""
import tinygrad_rnn as torch
from tinygrad_rnn import viz

try:  # run as a script (python examples/rnn_step_by_hand.py) or imported from the tests
    from _common import example_parser, output_file
except ImportError:
    from examples._common import example_parser, output_file

GRAPH_FILES = (".svg", ".png", ".pdf")  # .png and .pdf need Graphviz


def step_by_hand(cell, x, h):
    """The cell's computation, spelled out. The weights are used as they are stored (torch's
    layout: weight_ih is (hidden_size, input_size)), so the products take their transposes."""
    input_term = x @ cell.weight_ih.t() + cell.bias_ih
    hidden_term = h @ cell.weight_hh.t() + cell.bias_hh
    return torch.tanh(input_term + hidden_term)


def main(argv=None):
    parser = example_parser(__doc__.splitlines()[0], plot_help="draw the graph of the step to FILE",
                            plot_suffixes=GRAPH_FILES)
    parser.add_argument("--draw", metavar="FILE", dest="plot", type=output_file(GRAPH_FILES), help="the same as --plot")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    cell = torch.nn.RNNCell(input_size=3, hidden_size=4)
    x = torch.randn(2, 3)                        # a batch of 2 inputs
    h = torch.randn(2, 4)                        # the previous hidden state

    ours = step_by_hand(cell, x, h)
    theirs = cell(x, h)
    print("by hand:\n", ours)
    print("nn.RNNCell:\n", theirs)
    print("largest difference:", (ours - theirs).abs().max().item())

    # The same gradients, too: backward through the hand-written step and through the cell.
    upstream = torch.randn(2, 4)                 # a random upstream gradient, not ones
    hand_grads = torch.autograd.grad(ours, list(cell.parameters()), upstream)
    cell_grads = torch.autograd.grad(theirs, list(cell.parameters()), upstream)
    for (name, _), a, b in zip(cell.named_parameters(), hand_grads, cell_grads):
        print(f"d/d {name:9s} largest difference: {(a - b).abs().max().item():.1e}")

    dot = viz.to_dot(ours, params=dict(cell.named_parameters()))
    print("\nThe graph of one step (gradients flow from the top down):\n" + dot)
    if args.plot:
        try:
            print("wrote", viz.draw(ours, args.plot, params=dict(cell.named_parameters())))
        except RuntimeError as error:
            print(error)
    return ours, theirs, hand_grads, cell_grads, dot


if __name__ == "__main__":
    main()
