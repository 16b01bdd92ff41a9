"""glassnet.viz: every picture is written, has the expected size and content, and tells the truth."""
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # no display in tests; glassnet itself never calls matplotlib.use at import

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

import glassnet as gn  # noqa: E402
from glassnet import nn, viz  # noqa: E402
from glassnet.descent import gradient_descent, loss_surface_slice  # noqa: E402
from glassnet.viz.computation_graph import node_gradients  # noqa: E402
from glassnet.viz.finite_difference import finite_difference_errors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def check_png(path, fig, dpi=100):
    """The file is a PNG of the figure's size at ``dpi`` with real content (not one flat colour)."""
    assert os.path.getsize(path) > 0
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = np.round(fig.get_size_inches() * dpi).astype(int)
        assert image.size == (width, height)
        colors = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert len(colors) > 20
    leftovers = [name for name in os.listdir(os.path.dirname(path)) if name.startswith(".tmp-")]
    assert leftovers == []


def check_gif(path, size, frames):
    with Image.open(path) as image:
        assert image.format == "GIF"
        assert image.size == size
        assert image.n_frames == frames


def titled(fig) -> bool:
    return bool((fig._suptitle and fig._suptitle.get_text()) or any(ax.get_title() for ax in fig.axes))


def small_history():
    model = nn.Sequential(nn.Linear(2, 4, generator=0), nn.Tanh(), nn.Linear(4, 2, generator=1))
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.5, momentum=0.9), XOR_X,
                     XOR_Y, epochs=6, batch_size=4, validation_data=(XOR_X, XOR_Y), progress=False, seed=0)
    return model, history


def test_importing_viz_does_not_import_matplotlib():
    code = "import sys, glassnet, glassnet.viz, glassnet.descent; print('matplotlib' in sys.modules)"
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    assert out.stdout.strip() == "False"


def test_plot_history_from_history_and_dict(tmp_path):
    _, history = small_history()
    fig = viz.plot_history(history, path=tmp_path / "h.png", loss_label="loss (cross-entropy)")
    check_png(tmp_path / "h.png", fig)
    loss_axis, accuracy_axis = fig.axes
    assert loss_axis.get_xlabel() == "epoch" and loss_axis.get_ylabel() == "loss (cross-entropy)"
    assert accuracy_axis.get_ylabel() == "accuracy (%)"
    training = loss_axis.get_lines()[0]
    np.testing.assert_allclose(training.get_ydata(), history["loss"])
    np.testing.assert_allclose(accuracy_axis.get_lines()[0].get_ydata(), np.array(history["accuracy"]) * 100)
    assert [t.get_text() for t in loss_axis.get_legend().get_texts()] == ["training", "validation"]
    assert any(t.get_text().startswith("best validation: epoch") for t in loss_axis.texts)
    # the CLI passes its test part as validation_data when nothing is chosen by it: say so
    fig = viz.plot_history(history, held_out="test")
    for axis in fig.axes:
        assert [t.get_text() for t in axis.get_legend().get_texts()] == ["training", "test"]
        assert [t.get_text().split(":")[0] for t in axis.texts] == ["best test"]
    fig = viz.plot_history({"loss": [3.0, 2.0, 1.0]})
    assert len(fig.axes) == 1 and titled(fig)
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_xdata(), [1, 2, 3])
    with pytest.raises(KeyError, match="has no 'loss'.*accuracy"):
        viz.plot_history({"accuracy": [0.5]})
    with pytest.raises(ValueError, match="path"):
        viz.plot_history({"loss": [1.0]}, path=tmp_path / "h.bmp")


def test_plot_comparison(tmp_path):
    histories = {"squared error": {"loss": [0.3, 0.2], "accuracy": [0.5, 0.6]},
                 "cross-entropy": {"loss": [1.0, 0.5], "accuracy": [0.5, 0.9], "val_loss": [1.1, 0.6]}}
    fig = viz.plot_comparison(histories, path=tmp_path / "c.png")
    check_png(tmp_path / "c.png", fig)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["squared error training", "cross-entropy training", "cross-entropy validation"]
    fig = viz.plot_comparison(histories, held_out="test")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["squared error training", "cross-entropy training", "cross-entropy test"]
    with pytest.raises(TypeError, match="histories"):
        viz.plot_comparison([])


def test_plot_decision_boundary_module_and_callable(tmp_path):
    model, _ = small_history()
    fig = viz.plot_decision_boundary(model, XOR_X, XOR_Y, path=tmp_path / "d.png", resolution=30)
    check_png(tmp_path / "d.png", fig)
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel()
    # a callable that says "class 1 right of x1 = 0.5" classifies these points perfectly
    fig = viz.plot_decision_boundary(lambda P: P[:, 0] - 0.5, XOR_X, np.array([0, 0, 1, 1]), resolution=20)
    assert "100%" in fig.axes[0].get_title()
    fig = viz.plot_decision_boundary(lambda P: P[:, 0] - 0.5, XOR_X, np.array([0, 1, 0, 1]), resolution=20)
    assert "50%" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="exactly 2 features"):
        viz.plot_decision_boundary(model, np.zeros((4, 3)), XOR_Y)
    with pytest.raises(TypeError, match="model"):
        viz.plot_decision_boundary("model", XOR_X, XOR_Y)


def test_decision_boundary_recorder_and_animation(tmp_path):
    model = nn.Sequential(nn.Linear(2, 4, generator=0), nn.Tanh(), nn.Linear(4, 2, generator=1))
    recorder = viz.DecisionBoundaryRecorder(XOR_X, XOR_Y, every=2, resolution=12)
    gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.5), XOR_X, XOR_Y, epochs=5,
           batch_size=4, callbacks=[recorder], progress=False, seed=0)
    assert [frame["epoch"] for frame in recorder.frames] == [0, 2, 4, 5]  # before, every 2nd, and the last
    assert recorder.frames[0]["loss"] is None and recorder.frames[-1]["loss"] is not None
    # the stored classes are the model's own predictions on the grid
    with gn.no_grad():
        expected = model(recorder.points.astype(np.float32)).numpy().argmax(axis=1)
    np.testing.assert_array_equal(recorder.frames[-1]["classes"], expected)
    path = viz.animate_decision_boundary(recorder, tmp_path / "d.gif", fps=5, dpi=40)
    check_gif(path, (240, 200), frames=4)


def test_plot_digits_marks_mistakes(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.random((10, 64))
    y_true = np.arange(10)
    y_pred = y_true.copy()
    y_pred[[2, 7]] = 0
    fig = viz.plot_digits(images, y_true, y_pred, path=tmp_path / "g.png", n=10)
    check_png(tmp_path / "g.png", fig)
    red = [ax for ax in fig.axes if ax.get_title() and ax.title.get_color() == "#d62728"]
    assert sorted(ax.get_title() for ax in red) == ["true 2, pred 0", "true 7, pred 0"]
    assert "8 of 10" in fig._suptitle.get_text()
    fig = viz.plot_digits(rng.random((3, 28, 28)), [1, 2, 3])
    assert fig.axes[0].get_images()[0].get_array().shape == (28, 28)
    with pytest.raises(ValueError, match="square"):
        viz.plot_digits(rng.random((3, 10)), [1, 2, 3])


def test_plot_confusion_matrix_counts_match_sklearn(tmp_path):
    from sklearn.metrics import confusion_matrix

    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 4, 60), rng.integers(0, 4, 60)
    fig = viz.plot_confusion_matrix(y_true, y_pred, path=tmp_path / "m.png")
    check_png(tmp_path / "m.png", fig)
    ax = fig.axes[0]
    shown = np.array([int(t.get_text()) for t in ax.texts]).reshape(4, 4)
    np.testing.assert_array_equal(shown, confusion_matrix(y_true, y_pred))
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    with pytest.raises(ValueError, match="not in labels"):
        viz.plot_confusion_matrix([0, 1, 2], [0, 1, 2], labels=[0, 1])


def test_plot_gradient_norms(tmp_path):
    model, history = small_history()
    fig = viz.plot_gradient_norms(history, path=tmp_path / "n.png")
    check_png(tmp_path / "n.png", fig)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names == [name for name, _ in model.named_parameters()] + ["all parameters"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), history["grad_norm/0.weight"])
    with pytest.raises(KeyError, match="grad_norm"):
        viz.plot_gradient_norms({"loss": [1.0]})


def test_weight_histogram_recorder(tmp_path):
    model = nn.Sequential(nn.Linear(2, 4, generator=0), nn.Tanh(), nn.Linear(4, 2, generator=1))
    start = model[0].weight.data.copy()
    recorder = viz.WeightHistogramRecorder(every=1)
    gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.5), XOR_X, XOR_Y, epochs=3,
           batch_size=4, callbacks=[recorder], progress=False, seed=0)
    assert recorder.epochs == [0, 1, 2, 3]
    assert sorted(recorder.weights) == ["0.weight", "2.weight"]
    np.testing.assert_array_equal(recorder.weights["0.weight"][0], start.ravel())
    np.testing.assert_array_equal(recorder.weights["0.weight"][-1], model[0].weight.data.ravel())
    fig = viz.plot_weight_histograms(recorder, path=tmp_path / "w.png")
    check_png(tmp_path / "w.png", fig)
    assert [ax.get_title() for ax in fig.axes] == ["0.weight", "2.weight"]
    with pytest.raises(ValueError, match="nothing recorded"):
        viz.plot_weight_histograms(viz.WeightHistogramRecorder())


def test_animate_descent_1d_profit(tmp_path):
    result = gradient_descent("profit", steps=5)
    path = viz.animate_descent_1d(result, tmp_path / "p.gif", dpi=40)
    assert path == str(tmp_path / "p.gif")
    check_gif(path, (300, 216), frames=6)  # figure 7.5 x 5.4 inches at 40 dpi; steps 0..5
    check_gif(viz.animate_descent_1d(gradient_descent("quadratic", steps=9), tmp_path / "q.gif", dpi=40,
                                     max_frames=4), (300, 216), frames=4)
    with pytest.raises(ValueError, match="animate_descent_2d"):
        viz.animate_descent_1d(gradient_descent("bowl", steps=2), tmp_path / "x.gif")
    with pytest.raises(ValueError, match=".gif"):
        viz.animate_descent_1d(result, tmp_path / "p.png")


def test_animate_descent_2d_bowl_rosenbrock_and_network_slice(tmp_path):
    path = viz.animate_descent_2d(gradient_descent("bowl", steps=3), tmp_path / "b.gif", resolution=15, dpi=30)
    check_gif(path, (330, 150), frames=4)  # figure 11 x 5 inches at 30 dpi
    path = viz.animate_descent_2d(gradient_descent("rosenbrock", steps=300), tmp_path / "r.gif", resolution=15,
                                  dpi=30, max_frames=3)
    check_gif(path, (330, 150), frames=3)
    model = nn.Sequential(nn.Linear(2, 3, generator=0), nn.Sigmoid(), nn.Linear(3, 2, generator=1))
    surface = loss_surface_slice(model, nn.CrossEntropyLoss(), XOR_X, XOR_Y, resolution=8)
    path = viz.animate_descent_2d(gradient_descent(surface, lr=2.0, steps=2), tmp_path / "s.gif", dpi=30)
    check_gif(path, (330, 150), frames=3)


def test_the_surface_of_a_slice_grows_to_hold_a_path_that_leaves_it():
    from glassnet.viz.descent_2d import surface_grid

    model = nn.Sequential(nn.Linear(2, 3, generator=0), nn.Sigmoid(), nn.Linear(3, 2, generator=1))
    surface = loss_surface_slice(model, nn.CrossEntropyLoss(), XOR_X, XOR_Y, span=1.0, resolution=6)
    result = gradient_descent(surface, start=(surface.start[0] + 5, surface.start[1] + 5), lr=1.0, steps=3)
    A, B, Z = surface_grid(surface, result.path, resolution=99)
    assert A.shape == (6, 6)  # the slice's own resolution
    assert A.min() <= result.path[:, 0].min() and result.path[:, 0].max() <= A.max()
    assert B.min() <= result.path[:, 1].min() and result.path[:, 1].max() <= B.max()
    np.testing.assert_allclose(Z[0, 0], surface(A[0, 0], B[0, 0]))  # the values of the same slice
    inside = gradient_descent(surface, lr=0.1, steps=2)
    assert surface_grid(surface, inside.path, resolution=99) is surface.grid()  # the cached grid when it holds the path


def test_plot_computation_graph_shows_autodiff_gradients(tmp_path):
    x = gn.tensor(2.0, requires_grad=True, dtype="float64")
    w = gn.tensor(-1.5, requires_grad=True, dtype="float64")
    z = (w * x + 1.0).sigmoid() ** 2
    gradients = node_gradients(z)
    z.backward(retain_graph=True)
    # the gradients drawn are the ones backward() puts in .grad
    assert gradients[id(x)] == pytest.approx(x.grad.item()) and gradients[id(w)] == pytest.approx(w.grad.item())
    s = 1 / (1 + np.exp(-(-1.5 * 2.0 + 1.0)))
    assert x.grad.item() == pytest.approx(2 * s * s * (1 - s) * -1.5)
    fig = viz.plot_computation_graph(z, names={"x": x, "w": w}, path=tmp_path / "g.png")
    check_png(tmp_path / "g.png", fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"x\nvalue 2\ngrad {x.grad.item():.4g}" in texts
    assert any(t.startswith("sigmoid\n") for t in texts) and any(t.startswith("power_scalar\n") for t in texts)
    freed = (x * w).sum()
    freed.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        viz.plot_computation_graph(freed)


def test_plot_finite_difference_error(tmp_path):
    steps = 10.0 ** -np.arange(1.0, 15.01, 0.5)
    errors = finite_difference_errors(lambda t: t.exp(), 1.0, steps, np.e)
    # truncation: forward error ≈ h e / 2 and central error ≈ h² e / 6 for large h
    assert errors["forward"][0] == pytest.approx(0.1 * np.e / 2, rel=0.05)
    assert errors["central"][0] == pytest.approx(0.01 * np.e / 6, rel=0.05)
    # round-off: the best h is near sqrt(eps) for forward and eps^(1/3) for central, and tiny h is worse
    assert 1e-10 <= steps[np.argmin(errors["forward"])] <= 1e-6
    assert 1e-7 <= steps[np.argmin(errors["central"])] <= 1e-3
    assert errors["forward"][-1] > 100 * errors["forward"].min()
    fig = viz.plot_finite_difference_error(path=tmp_path / "f.png")
    check_png(tmp_path / "f.png", fig)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log" and "step h" in ax.get_xlabel()
    fig = viz.plot_finite_difference_error("profit", x=1.0)
    assert "P(x)" in fig.axes[0].get_title() and "8" in fig.axes[0].get_title()
    with pytest.raises(TypeError, match="derivative="):
        viz.plot_finite_difference_error(lambda t: np.sin(np.asarray(t, dtype=float)))
    fig = viz.plot_finite_difference_error(lambda t: np.sin(np.asarray(t, dtype=float)), derivative=np.cos)
    assert titled(fig)


def test_animation_is_saved_as_pictures_are(tmp_path, monkeypatch):
    """A GIF gets atomic_write's guarantees: the usual mode, a link kept, a read-only file or a
    directory refused before any frame is drawn, fsync before the rename, no half file."""
    result = gradient_descent("profit", steps=2)
    old_mask = os.umask(0o022)
    try:
        path = viz.animate_descent_1d(result, tmp_path / "d.gif", dpi=20)
    finally:
        os.umask(old_mask)
    assert os.stat(path).st_mode & 0o777 == 0o644
    (tmp_path / "real").mkdir()
    viz.animate_descent_1d(result, tmp_path / "real" / "t.gif", dpi=20)
    os.symlink(tmp_path / "real" / "t.gif", tmp_path / "link.gif")
    viz.animate_descent_1d(result, tmp_path / "link.gif", dpi=20)
    assert os.path.islink(tmp_path / "link.gif")
    drawn = []

    os.chmod(path, 0o444)
    monkeypatch.setattr(plt.Figure, "savefig", lambda *a, **k: drawn.append(1) or None)
    with pytest.raises(PermissionError, match="read-only"):
        viz.animate_descent_1d(result, path, dpi=20)
    (tmp_path / "dir.gif").mkdir()
    with pytest.raises(IsADirectoryError, match="directory"):
        viz.animate_descent_1d(result, tmp_path / "dir.gif", dpi=20)
    assert drawn == []  # refused before the first frame
    monkeypatch.undo()
    os.chmod(path, 0o644)
    before = open(path, "rb").read()
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    viz.animate_descent_1d(result, path, dpi=20)
    assert synced
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(OSError, match="No space"):
        viz.animate_descent_1d(result, path, dpi=20)
    assert open(path, "rb").read() == before
    assert [name for name in os.listdir(tmp_path) if name.startswith(".tmp-")] == []


def test_an_animation_stopped_while_drawing_leaves_the_earlier_gif_as_it_was(tmp_path, monkeypatch):
    # matplotlib's writer.saving() calls finish() even when a frame fails, which would save the frames
    # drawn so far over the user's file
    result = gradient_descent("profit", steps=3)
    path = viz.animate_descent_1d(result, tmp_path / "d.gif", dpi=20)
    before = open(path, "rb").read()
    real_savefig, calls = plt.Figure.savefig, []

    def failing_savefig(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C at the second frame
        return real_savefig(self, *args, **kwargs)

    monkeypatch.setattr(plt.Figure, "savefig", failing_savefig)
    with pytest.raises(KeyboardInterrupt):
        viz.animate_descent_1d(result, path, dpi=20)
    assert open(path, "rb").read() == before
    assert [name for name in os.listdir(tmp_path) if name.startswith(".tmp-")] == []


def test_scoring_a_grid_leaves_each_modules_mode_as_it_was():
    from glassnet.viz.decision_boundary import model_scores

    frozen = gn.nn.Dropout(0.5)
    model = gn.nn.Sequential(gn.nn.Linear(2, 4, generator=0), frozen, gn.nn.Linear(4, 2, generator=1))
    model.train()
    frozen.eval()  # a submodule the user keeps in eval mode
    first = model_scores(model, np.zeros((3, 2)))
    assert model.training and not frozen.training
    np.testing.assert_array_equal(model_scores(model, np.zeros((3, 2))), first)  # scored in eval mode: no dropout
