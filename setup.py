"""setup.py — builds and installs the wgankit Python package (python/wgankit) with the project's
own CMake build, offline: `pip install --no-build-isolation .` (see README, "Python").

The extension _wgankit is the CMake target of the same name (CMakeLists.txt); this file only
runs CMake in setuptools' build directory and points the module's output at the package being
built. Needs Debian's cmake, gcc, python3-dev, python3-numpy and the library's -dev packages
(scripts/install-deps); nothing is downloaded."""
import os
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


def version():
    with open(os.path.join(ROOT, "python", "wgankit", "__init__.py")) as f:
        return re.search(r'^__version__ = "([^"]+)"', f.read(), re.M).group(1)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        out = os.path.dirname(os.path.abspath(self.get_ext_fullpath(ext.name)))
        tmp = os.path.join(os.path.abspath(self.build_temp), "cmake")
        os.makedirs(out, exist_ok=True)
        subprocess.check_call(["cmake", "-S", ROOT, "-B", tmp, "-DCMAKE_BUILD_TYPE=Release",
                               "-DPython3_EXECUTABLE=" + sys.executable, "-DWK_PY_OUT=" + out])
        subprocess.check_call(["cmake", "--build", tmp, "--target", "_wgankit", "-j", str(os.cpu_count() or 1)])
        # the shipped feature network of the image metrics goes into the package (wgankit/models/),
        # found there by wgankit/__init__.py: not through this checkout's path, gone after install
        models = os.path.join(out, "models")
        os.makedirs(models, exist_ok=True)
        shutil.copyfile(os.path.join(ROOT, "models", "fashion-mnist-lenet.safetensors"),
                        os.path.join(models, "fashion-mnist-lenet.safetensors"))


setup(
    name="wgankit",
    version=version(),
    description="Exact Wasserstein distances and Wasserstein GAN training (numpy in, numpy out)",
    packages=["wgankit"],
    package_dir={"": "python"},
    ext_modules=[Extension("wgankit._wgankit", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=["numpy"],
    zip_safe=False,
)
