"""The colours of the series in every chart and figure, in order: matplotlib's default
cycle ("tab10"), so a page and a lab figure of the same runs agree (SGD blue, Momentum
orange, AdaGrad green, RMSProp red, Adam purple in the optimizer comparison)."""

__all__ = ["SERIES_COLOURS"]

SERIES_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                  "#7f7f7f", "#bcbd22", "#17becf"]
