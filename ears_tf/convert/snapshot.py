"""Reading the authors' StyleGAN snapshot (`network-snapshot-*.pkl`) without running any of it.

The pickle is a tuple `(G, D, Gs)` of dnnlib `Network` objects. Each one carries, besides
its variables, `build_module_src`: the Python source of the module that builds it, which
dnnlib's own loader executes. Here nothing from the stream is imported or executed:
`find_class` resolves dnnlib's `Network` to `NetworkState` (which only keeps the state
dict) and numpy's array and scalar reconstruction to numpy itself; any other global is
an error. The source text is kept as a string and never looked at again.
"""
from __future__ import annotations

import dataclasses
import os
import pickle

import numpy as np

try:  # numpy >= 2
    from numpy._core import multiarray as _multiarray
except ImportError:
    from numpy.core import multiarray as _multiarray

from ears_tf.errors import InputError

NETWORK_CLASS = ("dnnlib.tflib.network", "Network")
# The only other globals a snapshot holds: numpy's array and scalar reconstruction (0-d
# variables such as `lod` come back from a session as numpy scalars). numpy 2 pickles
# name its core module `numpy._core`.
_NUMPY_GLOBALS = {
    (module, name): value
    for module in ("numpy.core.multiarray", "numpy._core.multiarray")
    for name, value in (("_reconstruct", _multiarray._reconstruct), ("scalar", _multiarray.scalar))
}
_NUMPY_GLOBALS.update({("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype})
SNAPSHOT_NETWORKS = ("G", "D", "Gs")


class NetworkState:
    """What `Network.__getstate__` saved: name, build function, static kwargs, components, variables."""

    def __setstate__(self, state):
        if not isinstance(state, dict):
            raise pickle.UnpicklingError(f"a Network's state is a {type(state).__name__}, not a dict")
        self.state = state


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == NETWORK_CLASS:
            return NetworkState
        if (module, name) in _NUMPY_GLOBALS:
            return _NUMPY_GLOBALS[(module, name)]
        raise pickle.UnpicklingError(f"unexpected class {module}.{name} (a StyleGAN snapshot holds only "
                                     "dnnlib Networks and numpy arrays)")


@dataclasses.dataclass(frozen=True)
class Network:
    """One network of the snapshot, with its components and variables by local name."""

    name: str
    build_func_name: str
    static_kwargs: dict
    variables: dict  # local name (e.g. "4x4/Const/const") -> float32 ndarray
    components: dict  # "synthesis" / "mapping" -> Network


@dataclasses.dataclass(frozen=True)
class Snapshot:
    path: str
    G: Network
    D: Network
    Gs: Network


def _network(state_holder, path: str, where: str) -> Network:
    if not isinstance(state_holder, NetworkState):
        raise InputError(path, f"{where} is a {type(state_holder).__name__}, not a dnnlib Network")
    state = state_holder.state
    missing = [key for key in ("name", "build_func_name", "static_kwargs", "components", "variables") if key not in state]
    if missing:
        raise InputError(path, f"{where}: the Network's state lacks {', '.join(missing)}")
    variables = {}
    for item in state["variables"]:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            raise InputError(path, f"{where}: a variable entry is not (name, value)")
        name, value = item
        array = np.asarray(value)
        if array.dtype.kind != "f":
            raise InputError(path, f"{where}/{name}: values of type {array.dtype}, not floating point")
        variables[name] = array.astype(np.float32, copy=False)
    components = {key: _network(value, path, f"{where}.components.{key}") for key, value in dict(state["components"]).items()}
    return Network(name=str(state["name"]), build_func_name=str(state["build_func_name"]),
                   static_kwargs=dict(state["static_kwargs"]), variables=variables, components=components)


def read_snapshot(path) -> Snapshot:
    """The (G, D, Gs) snapshot at `path`; an InputError naming the file for anything else."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise InputError(path, "no such StyleGAN snapshot file")
    try:
        with open(path, "rb") as stream:
            loaded = _SafeUnpickler(stream).load()
    except pickle.UnpicklingError as error:
        raise InputError(path, f"not a StyleGAN snapshot: {error}") from None
    except (EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError, MemoryError) as error:
        raise InputError(path, f"not a readable pickle ({type(error).__name__}: {error})".splitlines()[0]) from None
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from None
    if not (isinstance(loaded, tuple) and len(loaded) == len(SNAPSHOT_NETWORKS)):
        raise InputError(path, f"not a StyleGAN snapshot: expected the tuple (G, D, Gs), found a {type(loaded).__name__}")
    networks = [_network(item, path, name) for item, name in zip(loaded, SNAPSHOT_NETWORKS)]
    return Snapshot(path, *networks)
