"""Showing a recorded run: the training page, the optimizer paths page, the live view and
the narrated update step. Everything here replays what `tinygrad_edu.train`'s `Recorder`
kept (or an optimizer's own state); nothing here trains.

* `recording`  -- `record_training`: the library trains and records; this keeps the record
* `page`       -- `training_page`: loss, metrics, gradient norms, boundary, "Open iteration k"
* `paths`      -- `paths_page`: optimizers' walks on a loss surface, each move explained
* `live`       -- `LiveView`: a `fit` callback that draws the same charts in a notebook
* `updates`    -- `narrated_step`: ``optimizer.step()`` with each weight's update written out
* `assets/`    -- the pages' and the widget's own JavaScript and styles
"""
