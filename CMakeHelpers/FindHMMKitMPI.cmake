# FindHMMKitMPI: an MPI implementation's C library (mpi.h, libmpi), for the distributed-training
# module that HMMKIT_ENABLE_MPI builds. pkg-config's ompi-c (Open MPI), mpi-c or mpich first, so
# that no C compiler wrapper and no try-compile is needed, as CMake's own FindMPI would.
#
# Imported target: HMMKit::MPI.   Result variables: HMMKitMPI_FOUND, HMMKitMPI_INCLUDE_DIR,
# HMMKitMPI_LIBRARY.   Debian packages: libopenmpi-dev openmpi-bin.
include(${CMAKE_CURRENT_LIST_DIR}/HMMKitFindLibrary.cmake)
hmmkit_find_c_library(HMMKitMPI TARGET HMMKit::MPI HEADER mpi.h NAMES mpi mpich
    PKG_CONFIG ompi-c mpi-c mpich PATH_SUFFIXES openmpi/include mpich
    x86_64-linux-gnu/openmpi/include)
hmmkit_debian_hint(_hint "libopenmpi-dev openmpi-bin")
find_package_handle_standard_args(HMMKitMPI REQUIRED_VARS HMMKitMPI_LIBRARY HMMKitMPI_INCLUDE_DIR
    REASON_FAILURE_MESSAGE "${_hint}")
