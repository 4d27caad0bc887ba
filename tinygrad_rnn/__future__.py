"""`torch.__future__`: switches for how `nn.Module` conversions treat parameters, torch's planned defaults.

By default `module.double()`, `.to(...)` and `.to_empty(...)` keep each Parameter object and give it
the converted data (`param.data = ...`), so an optimizer holding it stays valid:

    >>> import tinygrad_rnn as torch
    >>> lin = torch.nn.Linear(2, 2)
    >>> w = lin.weight
    >>> lin.double().weight is w
    True
    >>> torch.__future__.set_overwrite_module_params_on_conversion(True)
    >>> lin.float().weight is w  # a new Parameter: the old one keeps the float64 data
    False
    >>> torch.__future__.set_overwrite_module_params_on_conversion(False)

With the swap setting torch swaps the new tensor's contents into each Parameter (and, in
`load_state_dict`, the checkpoint's: with `assign=True` the Parameter stays the same object and holds
the checkpoint's memory). Here a Parameter's data is a plain attribute, so that is what setting
`.data` already does.
"""

_settings = {"overwrite": False, "swap": False}  # both off: torch's current defaults


def set_overwrite_module_params_on_conversion(value: bool) -> None:
    """Whether Module conversions (`.float()`, `.to()`, `.to_empty()`, ...) put new Parameters in place
    of the old ones instead of changing the old ones' data."""
    _settings["overwrite"] = value


def get_overwrite_module_params_on_conversion() -> bool:
    return _settings["overwrite"]


def set_swap_module_params_on_conversion(value: bool) -> None:
    """Whether Module conversions and `load_state_dict` swap new contents into the existing Parameters
    (it takes precedence over the overwrite setting)."""
    _settings["swap"] = value


def get_swap_module_params_on_conversion() -> bool:
    return _settings["swap"]
