"""Builds libHMMKitC (the SwiftPM product of the enclosing repository) into the package.

`pip install ./python` runs `swift build -c release --product HMMKitC` in the repository root and
copies the library next to hmmkit/__init__.py. Environment:
  HMMKIT_LIBRARY      use this prebuilt libHMMKitC.so instead of building
  HMMKIT_SWIFT_FLAGS  extra `swift build` flags (default: `--traits MPI` when OpenMPI is
                      installed, as scripts/test builds, so the build shares its products)
"""
import os
import shlex
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _swift_flags():
    if "HMMKIT_SWIFT_FLAGS" in os.environ:
        return shlex.split(os.environ["HMMKIT_SWIFT_FLAGS"])
    has_mpi = shutil.which("mpirun") and subprocess.run(["pkg-config", "--exists", "ompi-c"]).returncode == 0
    return ["--traits", "MPI"] if has_mpi else []


def _library():
    prebuilt = os.environ.get("HMMKIT_LIBRARY")
    if prebuilt:
        return prebuilt
    if not os.path.exists(os.path.join(ROOT, "Package.swift")):
        raise RuntimeError("hmmkit builds from the HMMKit repository: run `pip install ./python` in its root, "
                           "or set HMMKIT_LIBRARY to a built libHMMKitC.so")
    command = ["swift", "build", "-c", "release", "--product", "HMMKitC", *_swift_flags()]
    print("running", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path", *_swift_flags()], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "libHMMKitC.so")


class BuildWithSwift(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "hmmkit")
        os.makedirs(target, exist_ok=True)
        shutil.copy2(_library(), os.path.join(target, "libHMMKitC.so"))


class BinaryDistribution(Distribution):
    """The wheel carries a native library, so it is platform-specific."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithSwift}, distclass=BinaryDistribution)
