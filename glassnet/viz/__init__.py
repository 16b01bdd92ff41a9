"""Pictures of learning: curves, decision boundaries, digits, gradients, descent and graphs.

Every function takes ``path=None``; with a path it saves the picture atomically
(PNG, SVG or PDF; GIF for animations). Plots return the matplotlib Figure,
animations the path. matplotlib is imported only when a function is called, with
the Agg backend when there is no display; install it with ``pip install 'glassnet[viz]'``.
"""
from glassnet.viz.comparison import plot_comparison
from glassnet.viz.computation_graph import plot_computation_graph
from glassnet.viz.confusion_matrix import plot_confusion_matrix
from glassnet.viz.decision_boundary import plot_decision_boundary
from glassnet.viz.decision_boundary_animation import DecisionBoundaryRecorder, animate_decision_boundary
from glassnet.viz.descent_1d import animate_descent_1d
from glassnet.viz.descent_2d import animate_descent_2d
from glassnet.viz.digits import plot_digits
from glassnet.viz.finite_difference import plot_finite_difference_error
from glassnet.viz.gradient_norms import plot_gradient_norms
from glassnet.viz.history import plot_history
from glassnet.viz.weight_histograms import WeightHistogramRecorder, plot_weight_histograms

__all__ = [
    "plot_history", "plot_comparison", "plot_decision_boundary", "DecisionBoundaryRecorder",
    "animate_decision_boundary", "plot_digits", "plot_confusion_matrix", "plot_gradient_norms",
    "WeightHistogramRecorder", "plot_weight_histograms", "animate_descent_1d", "animate_descent_2d",
    "plot_computation_graph", "plot_finite_difference_error",
]
