# FindLAPACKE: the C interface to LAPACK (lapacke.h, liblapacke).
#
# Imported target: LAPACKE::LAPACKE.   Result variables: LAPACKE_FOUND, LAPACKE_INCLUDE_DIR,
# LAPACKE_LIBRARY.   Debian package: liblapacke-dev.
include(${CMAKE_CURRENT_LIST_DIR}/HMMKitFindLibrary.cmake)
hmmkit_find_c_library(LAPACKE TARGET LAPACKE::LAPACKE HEADER lapacke.h NAMES lapacke
    PKG_CONFIG lapacke)
hmmkit_debian_hint(_hint liblapacke-dev)
find_package_handle_standard_args(LAPACKE REQUIRED_VARS LAPACKE_LIBRARY LAPACKE_INCLUDE_DIR
    REASON_FAILURE_MESSAGE "${_hint}")
