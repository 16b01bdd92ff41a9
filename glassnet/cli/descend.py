"""``glassnet descend``: gradient descent on a function of one or two variables, step by step."""
from __future__ import annotations


from glassnet.cli import plots
from glassnet.cli.arguments import non_negative_int, positive_float


def add_parser(commands) -> None:
    from glassnet.descent import FUNCTIONS

    names = ", ".join(f"{name}: {objective.formula}" for name, objective in FUNCTIONS.items())
    parser = commands.add_parser(
        "descend", help="follow the gradient of a small function and animate it",
        description=f"Gradient descent p <- p - lr·f'(p) (ascent for a function that is maximised) with the "
                    f"derivative from glassnet's autodiff. Functions: {names}.")
    parser.add_argument("--function", choices=sorted(FUNCTIONS), default="profit", help="default profit")
    parser.add_argument("--lr", type=positive_float, help="step size (default: the function's own)")
    parser.add_argument("--steps", type=non_negative_int, help="number of steps (default: the function's own)")
    parser.add_argument("--start", type=float, nargs="+", metavar="X", help="starting point, one number per variable")
    parser.add_argument("--every", type=non_negative_int, default=0,
                        help="print every k-th step (default: all steps up to 50, else about 25 lines)")
    parser.add_argument("--out", metavar="DIR", help="folder for the animation (default runs/descend-<function>-<time>)")
    parser.add_argument("--no-plots", action="store_true", help="write no animation")
    parser.add_argument("--overwrite", action="store_true", help="replace a descent.gif already in --out DIR "
                                                                  "(without it such a folder is refused)")
    parser.set_defaults(run=run)


def _number(value: float) -> str:
    """Four decimals, or four significant digits in exponent form once that would be a long row of digits."""
    return f"{value:.4f}" if abs(value) < 1e6 else f"{value:.4e}"


def _point(values, names) -> str:
    return ", ".join(f"{name} = {_number(value)}" for name, value in zip(names, values))


def run(args) -> int:
    from glassnet.descent import gradient_descent

    plots.check_picture_out(args, "descent.gif")
    result = gradient_descent(args.function, start=args.start, lr=args.lr, steps=args.steps)
    objective = result.function
    names = [name.split(" ")[0] for name in objective.variable_names]
    goal = "ascent (maximising)" if result.maximize else "descent (minimising)"
    print(f"{objective.formula}: gradient {goal}, lr {result.lr:g}, {result.steps} steps")
    every = args.every or (1 if result.steps <= 50 else max(1, result.steps // 25))
    for step, (point, value, gradient) in enumerate(zip(result.path, result.values, result.gradients)):
        if step % every == 0 or step == result.steps:
            slope = ", ".join(_number(g) for g in gradient)
            print(f"step {step:>4}: {_point(point, names)}   f = {_number(value)}   gradient = ({slope})")
    if result.diverged:
        print(f"diverged after {result.steps} steps: the values became too large; try a smaller --lr")
    kind = "maximum" if result.maximize else "minimum"
    print(f"ended at {_point(result.final, names)} (f = {_number(result.values[-1])})"
          + (f"; the true {kind} is at {_point(objective.optimum, names)}" if objective.optimum else ""))
    path = plots.picture_path(args, f"descend-{args.function}", "descent.gif", "animation")
    if path is None:
        return 0
    from glassnet import viz

    (viz.animate_descent_1d if len(result.final) == 1 else viz.animate_descent_2d)(result, path)
    print(f"animation saved to {path}")
    return 0
