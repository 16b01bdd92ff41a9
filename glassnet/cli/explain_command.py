"""``glassnet explain``: print one training step of a small network, worked out by hand."""
from __future__ import annotations

from glassnet.cli.arguments import non_negative_int, positive_float, positive_int


def add_parser(commands) -> None:
    from glassnet.step_by_hand import HIDDEN_ACTIVATIONS, LOSSES

    parser = commands.add_parser(
        "explain", help="walk one training step by hand: forward, loss, chain rule, update",
        description="Print one full training step of an input-hidden-output network: x, W, b, z = W·x + b, "
                    "h = f(z), the loss, every partial derivative of the chain rule (checked against "
                    "glassnet's autodiff and finite differences) and the update W - lr·dL/dW.")
    parser.add_argument("--dataset", default="xor", help="data set name (default xor)")
    parser.add_argument("--hidden", type=positive_int, default=3, help="hidden neurons (default 3)")
    parser.add_argument("--activation", choices=sorted(HIDDEN_ACTIVATIONS), default="sigmoid")
    parser.add_argument("--loss", choices=sorted(LOSSES), default="mse",
                        help="mse: sigmoid outputs and squared error; cross-entropy: softmax outputs")
    parser.add_argument("--lr", type=positive_float, default=0.5, help="learning rate (default 0.5)")
    parser.add_argument("--samples", type=positive_int, default=4, help="rows of the data set to use (default 4)")
    parser.add_argument("--format", choices=("text", "md"), default="text", help="plain text or Markdown with LaTeX")
    parser.add_argument("--decimals", type=non_negative_int, default=6)
    parser.add_argument("--seed", type=non_negative_int, default=0, help="seed of the initial weights (default 0)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from glassnet.explain import explain

    print(explain(dataset=args.dataset, hidden=args.hidden, activation=args.activation, loss=args.loss, lr=args.lr,
                  seed=args.seed, samples=args.samples, format=args.format, decimals=args.decimals), end="")
    return 0
