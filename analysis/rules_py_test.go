package analysis

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

const cartPy = `"""Cart."""
__all__ = ["Total", "only_listed"]  # a renamed def often stays listed


def total(prices, currency="EUR", *, rounding=2):
    return sum(prices)


def pair(a, b, /, c=0):
    return a + b + c


def flexible(*args, **kwargs):
    return args


@decorator
def decorated(a):
    return a


class Cart:
    def add(self, item):
        pass


if PY2:
    def conditional(a):
        pass
else:
    def conditional(a, b):
        pass

TAX = RATE = 0.2
`

func TestPythonCrossFileFindings(t *testing.T) {
	root := writeTree(t, map[string]string{
		"shop/__init__.py":     "",
		"shop/cart.py":         cartPy,
		"shop/sub/__init__.py": "",
		"shop/views.py": `from shop.cart import total, totl, pair
from .cart import Cart, TAX, RATE, only_listed
from . import cart, sub, nope
from .missing import x
import shop.cartz
from shop import cart as c

total([1], "EUR", 2)
total([1], rounding=2, precision=3)
pair(1, b=2)
total()
c.total([1], "EUR", "x")
`,
		"shop/dup.py": "def f():\n    pass\n\n\ndef f():\n    pass\n",
		"shop/dotted.py": `import shop.cart
import shop.sub
shop.cart.total([1], "EUR", 2)
shop.cart.totl([1])
x = shop.cart.TAX
y = shop.cart.GONE
if hasattr(shop.cart, "maybe"):
    shop.cart.maybe()
shop.sub.anything
`,
		"shop/listing.py": `from .cart import total, pair
__all__ = ["total", "sub_missing"]
__all__ += ("also_gone",) + tuple(other) + ("pair",)
__all__.extend(["pair", f"x", name])
__all__.append("appended_gone")
`,
	})
	expectFindings(t, root,
		"shop/cart.py:2:12 missing-export",
		"shop/cart.py:2:21 missing-export",
		"shop/dotted.py:3:11 arity-mismatch",
		"shop/dotted.py:4:11 missing-export",
		"shop/dotted.py:6:15 missing-export",
		"shop/dotted.py:9:10 missing-export",
		"shop/dup.py:5:5 duplicate-definition",
		"shop/listing.py:2:21 missing-export",
		"shop/listing.py:3:13 missing-export",
		"shop/listing.py:5:16 missing-export",
		"shop/views.py:1:30 missing-export",
		"shop/views.py:2:36 missing-export",
		"shop/views.py:3:26 missing-export",
		"shop/views.py:4:6 unresolved-import",
		"shop/views.py:5:8 unresolved-import",
		"shop/views.py:8:1 arity-mismatch",
		"shop/views.py:9:1 arity-mismatch",
		"shop/views.py:10:1 arity-mismatch",
		"shop/views.py:11:1 arity-mismatch",
		"shop/views.py:12:3 arity-mismatch",
	)
}

func TestPythonHardNegatives(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/shop/__init__.py": "from .cart import total as total\n\n__all__ = [\"total\", \"views\", \"ns\"]  # submodules too\n",
		"src/shop/cart.py":     strings.Replace(cartPy, `"Total", "only_listed"`, `"total", "conditional", "TAX"`, 1),
		"src/shop/_version.py": "", // present here; see the ignored one below
		"src/shop/views.py": `import os
import os.path
import numpy as np
from typing import TYPE_CHECKING
from shop import total
from shop.cart import flexible, decorated, conditional, Cart
from shop.signals import SIGHUP
from shop.dynamic import anything
from shop.stubbed import only_in_stub
from shop.ns import leaf
from . import _version
from .generated import built
try:
    from shop.cart import not_there
except ImportError:
    not_there = None

total([1], "EUR", rounding=3)
flexible(1, 2, 3, a=1)
decorated(1, 2, 3)
conditional(1, 2)
Cart(1, 2, 3)
total(*args)
total(**kw)
np.array(1, 2, 3)


def shadow(total):
    total(1, 2, 3, 4)


def local_import():
    from shop.cart import pair as total
    total(1, 2)


def test_errors():
    with pytest.raises(TypeError):
        total()
    try:
        total()
    except TypeError:
        pass
    check(lambda: total())
`,
		"src/shop/dynamic.py":        "def __getattr__(name):\n    return name\n\n__all__ = [\"anything\"]\n",
		"src/shop/fallback.py":       "try:\n    from ._speedups import fast\nexcept ImportError:\n    fast = None\nif TYPE_CHECKING:\n    from .cart import Cart\n__all__ = [\"fast\", \"Cart\"]\n__all__ += [n for n in dir() if n.isupper()]\n",
		"src/shop/reexports.py":      "from numpy import *\nfrom .star import *\n__all__ = [\"array\", \"pair\"]\n",
		"src/shop/dotted_rebound.py": "import shop.cart\nimport shop.ns.leaf\nshop.cart.totl()\nshop.ns.leaf.anything()\nshop = None\n",
		"src/shop/dotted_local.py":   "import shop.cart\n\n\ndef f(shop):\n    shop.cart.totl()\n",
		"src/alt/__init__.py":        "tool = object()\n",
		"src/alt/tool.py":            "def f():\n    pass\n",
		"src/shop/dotted_bound.py":   "import alt.tool\nalt.tool.g()\n",
		"src/shop/filled.py":         "for _name in (\"a\", \"b\"):\n    vars()[_name] = _name\n__all__ = [\"a\", \"b\"]\n",
		"src/shop/signals.py":        "@enum.global_enum\nclass Signals(enum.IntEnum):\n    SIGHUP = 1\n",
		"src/shop/stubbed.py":        "",
		"src/shop/stubbed.pyi":       "only_in_stub: int\n",
		"src/shop/ns/leaf.py":        "",
		".gitignore":                 "src/shop/generated.py\n",
		"src/shop/star.py":           "from .cart import *\n",
		"src/shop/uses_star.py":      "from shop.star import whatever\n",
		"tests/test_redef.py": `class Finder:
    pass

both = test_both(Finder)

class Finder:
    pass

@overload
def f(a: int) -> int: ...
@overload
def f(a: str) -> str: ...
def f(a): return a

if sys.platform == "win32":
    def g(): pass
else:
    def g(): pass
`,
		"stubs/pkg/mod.pyi": "from distutils.whatever import Thing\n",
	})
	expectFindings(t, root)
}

// A package checked on its own (its directory is the root) and a flat project whose
// modules are named like the standard library's: imports of typing, types or http are
// the library's, not these files'.
func TestPythonStandardLibraryNamesAtTheRoot(t *testing.T) {
	pkg := writeTree(t, map[string]string{
		"__init__.py": "from .core import run\n",
		"typing.py":   "Alias = int\n",
		"types.py":    "class Param:\n    pass\n",
		"helpers.py":  "def assist():\n    pass\n",
		"core.py":     "from typing import Any, TYPE_CHECKING\nfrom types import TracebackType\nfrom .types import Param, Gone\nfrom helpers import other  # a top-level module helpers, not this package's\n\ndef run(x: Any) -> None:\n    pass\n",
	})
	expectFindings(t, pkg, "core.py:3:27 missing-export") // the relative import is this package's

	flat := writeTree(t, map[string]string{
		"http.py":   "def serve():\n    pass\n",
		"helper.py": "def help_me(a):\n    pass\n",
		"main.py":   "from http import HTTPStatus\nfrom helper import help_me, nothing\n\nhelp_me(1, 2)\n",
	})
	expectFindings(t, flat, "main.py:2:29 missing-export", "main.py:4:1 arity-mismatch")
}

// A module that writes sys.modules may serve names and modules no file holds; one that
// only reads it (click's utils looks up __main__) is checked like any other.
func TestPythonSysModulesWritesOpenAModule(t *testing.T) {
	root := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/reads.py":    "import sys\n\ndef main_name():\n    return sys.modules[\"__main__\"].__name__\n",
		"pkg/writes.py":   "import sys\n\nsys.modules[__name__ + \".moves\"] = object()\n",
		"pkg/sets.py":     "import sys\n\nsetattr(sys.modules[__name__], \"late\", 1)\n",
		"pkg/updates.py":  "import sys\n\nsys.modules[__name__].__dict__.update(MEMBERS)\n",
		"pkg/user.py":     "from .reads import main_nam\nfrom .writes import anything\nfrom .writes.moves import urllib\nfrom .sets import late\nfrom .updates import RED\n",
	})
	expectFindings(t, root, "pkg/user.py:1:20 missing-export")
}

// A package with a lazy module __getattr__ (or globals() written) has names nobody can
// list, but `import pkg.core` still finds pkg/core.py, so calls through it are checked;
// a package that writes sys.modules may serve any submodule, and nothing is said there.
func TestASubmoduleOfALazyPackageIsChecked(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lazy/__init__.py":   "import importlib\n\ndef __getattr__(name):\n    return importlib.import_module('.' + name, __name__)\n",
		"lazy/core.py":       "def run(a):\n    pass\n",
		"filled/__init__.py": "globals().update(dict(VERSION=1))\n",
		"filled/core.py":     "def run(a):\n    pass\n",
		"hooked/__init__.py": "import sys\n\nsys.modules[__name__ + '.core'] = object()\n",
		"hooked/core.py":     "def run(a):\n    pass\n",
		"main.py": "import lazy.core as core\nimport filled.core as filled_core\nfrom lazy.core import run, gone\nimport hooked.core as hooked_core\nfrom lazy import anything\n\n" +
			"core.run()\nfilled_core.run(1, 2)\nhooked_core.run()\n",
	})
	expectFindings(t, root, "main.py:3:28 missing-export", "main.py:7:6 arity-mismatch", "main.py:8:13 arity-mismatch")
}

// A module a build file declares (a C, Cython or Rust extension) is made by the build,
// not missing from the source tree; a module nothing declares still is.
func TestExtensionModulesDeclaredByTheBuild(t *testing.T) {
	root := writeTree(t, map[string]string{
		"pkg/__init__.py":       "",
		"pkg/core/__init__.py":  "from ._umath import add\nfrom . import _ufuncs\nfrom ._lost import x\n",
		"pkg/core/meson.build":  "py.extension_module('_umath', ['umath.c'], install: true)\n",
		"setup.py":              "from setuptools import Extension, setup\nsetup(ext_modules=[Extension(\"pkg.core._ufuncs\", [\"ufuncs.c\"])])\n",
		"native/CMakeLists.txt": "pybind11_add_module(_fast src/fast.cpp)\n",
		"native/__init__.py":    "from ._fast import run\nfrom ._version import version\n",
		"pyproject.toml":        "[tool.setuptools_scm]\nversion_file = \"native/_version.py\"\n",
	})
	expectFindings(t, root, "pkg/core/__init__.py:3:6 unresolved-import")
}

// A call through a module (import m; from pkg import m; import pkg.m as m) to a name
// the module does not define is a missing export, and so is any other read of it (a
// class caught, raised or derived from, a constant, a function passed as a value): a
// renamed function's callers are found where they use it, not only where they import
// it. Where the name may not be that module (a parameter, a second binding), the module
// is open, the file probes for the name or reads it in a try, or some file sets a module
// attribute of that name, nothing is said.
func TestCallsThroughAModuleToNamesItLacks(t *testing.T) {
	root := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/util.py":     "def helper(a):\n    return a\n\nclass Klass:\n    pass\n",
		"pkg/opened.py":   "from os.path import *\n",
		"tools.py":        "def run():\n    pass\n",
		"main.py": "import tools\nimport pkg.util as u\nfrom pkg import util, opened\n\n" +
			"tools.run()\ntools.gone()\nu.helper(1)\nu.renamed(1)\nutil.Klass()\nutil.missing()\nopened.anything()\n",
		"shadow.py":  "from pkg import util\n\ndef f(util):\n    util.whatever()\n",
		"rebound.py": "from pkg import util\nutil = wrap(util)\nutil.whatever()\n",
		"probed.py":  "from pkg import util\nif hasattr(util, 'newer'):\n    util.newer()\nfast = getattr(util, \"faster\", None) and util.faster()\n",
		"classes.py": "from pkg import util\n\nclass A(util.Klass, util.NoBase):\n    pass\n\ntry:\n    pass\nexcept (util.Klass, util.GoneError) as e:\n    raise util.Gone from e\n\nx = util.MAXIMUM\nrun(callback=util.helper, other=util.renamed_helper)\n",
		"written.py": "from pkg import util\n\nutil.LIMIT = 3\n(util.a, util.b) = 1, 2\nprint(util.LIMIT, util.a)\ndel util.b, util.gone_too\n",
		"tried.py":   "from pkg import util\n\ntry:\n    fast = util.fast_path\nexcept AttributeError:\n    fast = None\n",
		// A module's namespace filled from another file, as Django's test set-up gives
		// django.core.mail an outbox: any file setting the name is enough.
		"pkg/environment.py": "from pkg import util\n\ndef setup():\n    util.outbox = []\n    setattr(util, \"sent\", 0)\n",
		"mailtest.py":        "import pkg.util as mail\n\nassert len(mail.outbox) == mail.sent\n",
		// trio's deprecated attributes: a helper given the module's name gives it a __getattr__.
		"pkg/deprecating.py": "from . import _deprecate\n\n_deprecate.enable_attribute_deprecations(__name__)\n",
		"pkg/_deprecate.py":  "def enable_attribute_deprecations(name):\n    pass\n",
		"deprecated.py":      "from pkg import deprecating\n\nprint(deprecating.old_name, deprecating.__annotations__)\n",
		// A type statement (Python 3.12) binds its name.
		"pkg/types.py": "type Alias = int\ntype Pair[T] = tuple[T, T]\n",
		"typed.py":     "from pkg.types import Alias, Pair\nfrom pkg import types\n\nprint(types.Alias, types.Pair)\n",
	})
	expectFindings(t, root,
		"classes.py:3:26 missing-export",
		"classes.py:8:26 missing-export",
		"classes.py:9:16 missing-export",
		"classes.py:11:10 missing-export",
		"classes.py:12:38 missing-export",
		"main.py:6:7 missing-export",
		"main.py:8:3 missing-export",
		"main.py:10:6 missing-export",
	)
}

// A package that gathers its modules with star imports (`from .core import *` in its
// __init__) stays open to missing-export, but a call to a function one of them surely
// provides is checked against its def, through every level. Where two modules offer the
// name, or one cannot be followed, nothing is said.
func TestPythonCallsThroughStarImports(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib/__init__.py":    "from .core import *\nfrom .extra import *\n",
		"lib/core.py":        "from .deep import *\n\ndef run(a, b=1):\n    pass\n\ndef twice():\n    pass\n",
		"lib/deep.py":        "def deep_fn(a):\n    pass\n",
		"lib/extra.py":       "def other():\n    pass\n\ndef twice(a):\n    pass\n",
		"opaque/__init__.py": "from .core import *\nfrom os.path import *\n",
		"opaque/core.py":     "def run(a):\n    pass\n",
		"cyc/__init__.py":    "",
		"cyc/a.py":           "from .b import *\n",
		"cyc/b.py":           "from .a import *\n\ndef g(x):\n    pass\n",
		"main.py": "import lib\nfrom lib import run, other, deep_fn, twice, absent\nfrom opaque import run as opaque_run\nfrom cyc.a import g, h\nfrom lib.nothere import x\n\n" +
			"run()\nrun(1, 2, 3)\nrun(1)\nother(1)\ndeep_fn()\ntwice()\nlib.run(1, 2, 3)\nlib.unknown()\nopaque_run()\ng()\nh()\n",
	})
	expectFindings(t, root,
		"main.py:5:6 unresolved-import", // a star import makes no submodule
		"main.py:7:1 arity-mismatch",
		"main.py:8:1 arity-mismatch",
		"main.py:10:1 arity-mismatch",
		"main.py:11:1 arity-mismatch",
		"main.py:13:5 arity-mismatch",
		"main.py:16:1 arity-mismatch",
	)
}

// Most packages publish their functions from __init__ (`from .render import render`,
// listed in __all__): a call through that re-export is checked against the def, also
// where the module is named like its function. A re-export bound twice, or guarded,
// is not followed; `from . import render` binds the module.
func TestPythonCallsThroughReexports(t *testing.T) {
	root := writeTree(t, map[string]string{
		"app/__init__.py":         "",
		"app/utils/__init__.py":   "from .render import render\nfrom .fmt import fmt as format_value\nfrom .twice import twice\nfrom .guarded import guarded\n\n__all__ = [\"render\", \"format_value\", \"twice\", \"guarded\"]\n\ntry:\n    from ._fast import twice\nexcept ImportError:\n    pass\n",
		"app/utils/render.py":     "def render(template, context):\n    pass\n",
		"app/utils/fmt.py":        "def fmt(value, *, width=0):\n    pass\n",
		"app/utils/twice.py":      "def twice(a):\n    pass\n",
		"app/utils/guarded.py":    "def guarded(a):\n    pass\n",
		"app/utils/_fast.py":      "def twice(a, b):\n    pass\n",
		"app/mods/__init__.py":    "from . import render\n",
		"app/mods/render.py":      "def page(a):\n    pass\n",
		"app/absmods/__init__.py": "from app.absmods import render\n",
		"app/absmods/render.py":   "def page(a):\n    pass\n",
		"app/views.py": "from .utils import render, format_value, twice\nfrom . import utils\nfrom .mods import render as mod\nfrom .absmods import render as absmod\n" +
			"render(\"t\")\nformat_value(1, 2)\nformat_value(1, width=2)\ntwice()\nutils.render(1, 2, 3)\nmod.page()\nlabel = f\"{render('t', {})} and {render('t')}\"\nabsmod.page()\n",
	})
	expectFindings(t, root,
		"app/views.py:5:1 arity-mismatch",
		"app/views.py:6:1 arity-mismatch",
		"app/views.py:9:7 arity-mismatch",
		"app/views.py:10:5 arity-mismatch",
		"app/views.py:11:34 arity-mismatch",
		"app/views.py:12:8 arity-mismatch",
	)
}

// A test expected to fail (pytest's xfail, unittest's expectedFailure) may call a
// function wrongly on purpose, and one always skipped may have been left broken. One
// skipped on a condition runs elsewhere: it is judged.
func TestPythonExpectedFailuresAreNotJudged(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib.py": "def run(a):\n    pass\n",
		"test_lib.py": "import pytest\nimport unittest\nfrom unittest import skip\nfrom lib import run\n\n" +
			"@pytest.mark.xfail(reason=\"later\")\ndef test_later():\n    run(1, 2)\n\n" +
			"class T(unittest.TestCase):\n    @unittest.expectedFailure\n    def test_wrong(self):\n        run()\n\n" +
			"    @unittest.skip('broken (see BPO-...)')\n    def test_broken(self):\n        run(1, x=2)\n\n" +
			"    @unittest.skipIf(True, 'elsewhere')\n    def test_elsewhere(self):\n        run()\n\n" +
			"@pytest.mark.skip\ndef test_skipped():\n    run()\n\n" +
			"@skip ( 'later' )\nclass Later(unittest.TestCase):\n    def test(self):\n        run(1, 2)\n\n" +
			"@pytest.mark.skipif(True, reason='x')\ndef test_maybe():\n    run()\n\n" +
			"@pytest.mark.slow\ndef test_judged():\n    run()\n",
	})
	expectFindings(t, root,
		"test_lib.py:21:9 arity-mismatch",
		"test_lib.py:34:5 arity-mismatch",
		"test_lib.py:38:5 arity-mismatch",
	)
}

// Calling a plain class runs its __init__: the call is checked against it, self aside.
// A class with a base (an Enum's call looks a member up), a metaclass, __new__, a
// decorator (a dataclass makes its own __init__) or an __init__ made another way is not.
func TestPythonClassCallsMeetInit(t *testing.T) {
	root := writeTree(t, map[string]string{
		"models.py": `import enum


class Point:
    def __init__(self, x, y=0, *, label=""):
        self.x = x


class Plain(object):
    def __init__(self, a, /, b):
        pass


class Planet(enum.Enum):
    EARTH = (1, 2)

    def __init__(self, mass, radius):
        pass


class Meta(metaclass=Registry):
    def __init__(self, a):
        pass


class Made:
    def __new__(cls, *args):
        return object.__new__(cls)

    def __init__(self, a):
        pass


@dataclass
class Data:
    def __init__(self, a):
        pass


class Chosen:
    if FAST:
        def __init__(self, a):
            pass
    else:
        def __init__(self, a, b):
            pass


class Assigned:
    def __init__(self, a):
        pass

    __init__ = wrap(__init__)
`,
		"use.py": "from models import Point, Plain, Planet, Meta, Made, Data, Chosen, Assigned\n\n" +
			"Point()\nPoint(1, 2, 3)\nPoint(1, label=\"a\")\nPoint(1, color=2)\nPlain(1, 2)\nPlain(a=1, b=2)\n" +
			"Planet(1)\nMeta(1, 2)\nMade(1, 2)\nData(1, 2)\nChosen(1, 2)\nAssigned(1, 2)\n",
	})
	expectFindings(t, root,
		"use.py:3:1 arity-mismatch",
		"use.py:4:1 arity-mismatch",
		"use.py:6:1 arity-mismatch",
		"use.py:8:1 arity-mismatch",
	)
}

// A relative import in a def body (late, to break an import cycle, or only when an
// option asks) is checked like one at the top: a renamed module or name is found there
// too, and so is a call after it in the def. In a try, a with or a test expected to fail
// it is a fallback.
func TestPythonRelativeImportsInDefs(t *testing.T) {
	root := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/debug.py":    "def rewrite(a):\n    pass\n",
		"pkg/env.py": `class Env:
    def fail(self):
        from .debug import rewrite, rewrote
        from .debugging import rewrite as other
        rewrite(1, 2)

    def optional(self):
        try:
            from ._speedups import fast
        except ImportError:
            fast = None
        with suppress(ImportError):
            from .typing import Alias

    def lazy(self, fast):
        if fast:
            from .debug import rewritten


@pytest.mark.xfail
def test_gone():
    from .gone import thing


def absolute():
    from pkg.nowhere import thing


def test_mock():
    def __init__():
        from . import made_by_the_mock
`,
	})
	expectFindings(t, root,
		"pkg/env.py:3:37 missing-export",
		"pkg/env.py:4:14 unresolved-import",
		"pkg/env.py:5:9 arity-mismatch",
		"pkg/env.py:17:32 missing-export",
	)
}

// A call after a late import is checked against what the import binds, only in its def
// and only while the def has not bound the name again; so are the calls and reads
// through a module imported late.
func TestPythonCallsAfterALateImport(t *testing.T) {
	root := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/debug.py":    "def rewrite(a):\n    pass\n\ndef other(a, b):\n    pass\n",
		"pkg/env.py": `import os


def rewrite(a, b, c):
    pass


def late():
    rewrite(1, 2, 3)
    from .debug import rewrite, other as renamed
    rewrite(1, 2)
    renamed(1)
    rewrite(1, 2, 3)


def elsewhere():
    rewrite(1, 2, 3)


def rebound(wrap):
    from .debug import rewrite
    rewrite = wrap(rewrite)
    rewrite(1, 2)


def shadowed():
    from .debug import rewrite

    def inner(rewrite):
        rewrite(1, 2)
    return inner


def through_the_module():
    from . import debug
    debug.rewrite(1, 2)
    debug.gone()
    return debug.MISSING


def a_parameter(debug):
    debug.gone()
`,
	})
	expectFindings(t, root,
		"pkg/env.py:11:5 arity-mismatch",
		"pkg/env.py:12:5 arity-mismatch",
		"pkg/env.py:13:5 arity-mismatch",
		"pkg/env.py:36:11 arity-mismatch",
		"pkg/env.py:37:11 missing-export",
		"pkg/env.py:38:18 missing-export",
	)
}

// Class.method(...) is checked against a static or class method (without its cls) that
// the class defines once, the class imported (through re-exports too) or defined in the
// file. Plain methods, a method bound again, other decorators, and classes with a
// metaclass are not judged.
func TestPythonStaticAndClassMethods(t *testing.T) {
	root := writeTree(t, map[string]string{
		"pkg/__init__.py": "from .config import Config\n",
		"pkg/config.py": `class Config:
    def __init__(self, data):
        self.data = data

    @classmethod
    def from_file(cls, path, *, strict=False):
        return cls({})

    @staticmethod
    def parse(text):
        return {}

    @staticmethod
    def twice(a):
        pass

    twice = staticmethod(lambda a, b: None)

    @functools.cache
    @staticmethod
    def cached(a):
        pass

    def plain(self, a):
        pass


class Meta(Base, metaclass=ABCMeta):
    @staticmethod
    def make(a):
        pass
`,
		"use.py": `from pkg import Config
from pkg.config import Meta

Config.from_file()
Config.from_file("p", strict=True)
Config.parse("a", "b")
Config.twice(1, 2)
Config.cached()
Config.plain(1)
Meta.make()


class Local:
    @staticmethod
    def build():
        pass


Local.build(1)
`,
		"shadow.py": "from pkg import Config\n\ndef f(Config):\n    Config.parse()\n",
	})
	expectFindings(t, root,
		"use.py:4:8 arity-mismatch",
		"use.py:6:8 arity-mismatch",
		"use.py:19:7 arity-mismatch",
	)
}

// Imports half typed, as the language server checks them between keystrokes, or in
// bytes that are not UTF-8 (a Latin-1 file): a syntax error each, and nothing else
// (`import ,` and `import A\xf7.A` once crashed the checks).
func TestPythonImportsBrokenMidTyping(t *testing.T) {
	root := writeTree(t, map[string]string{
		"a.py": "import ,\n",
		"b.py": "from  import y\n",
		"c.py": "import pkg.\n",
		"d.py": "import A\xf7.A\n",
	})
	expectFindings(t, root, "a.py:1:7 syntax-error", "b.py:1:1 syntax-error", "c.py:1:1 syntax-error", "d.py:1:9 syntax-error")
}

// TestPythonArityMessagesSayWhatIsWrong: the message is what a worker reads to fix the
// call, so each way a call cannot bind says which one it is.
func TestPythonArityMessagesSayWhatIsWrong(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib.py": "def pair(a, b, /, c=0):\n    pass\n\n\ndef keyed(*, key):\n    pass\n\n\ndef loose(a, /, **kw):\n    pass\n",
		"main.py": "from lib import pair, keyed, loose\n\n" +
			"pair(1, b=2)\npair(1, 2, d=3)\npair(1, 2, 3, 4)\npair(1, 2, 3, c=4)\nkeyed(1)\nkeyed()\nloose(a=1)\nloose(1, a=2)\n",
	})
	ix := NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ix.Diagnostics() {
		got = append(got, fmt.Sprintf("%d: %s", d.Range.Start.Line+1, d.Message))
	}
	want := []string{
		"3: `pair` takes `b` by position only; this call passes it by keyword",
		"4: `pair` has no parameter `d`",
		"5: `pair` takes 2 to 3 arguments positionally; this call passes 4",
		"6: `pair` gets `c` twice",
		"7: `keyed` takes 0 arguments positionally; this call passes 1",
		"8: `keyed` is missing argument `key`",
		"9: `loose` is missing argument `a`",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
