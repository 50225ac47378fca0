# FindOpenBLAS: OpenBLAS through its CBLAS interface (cblas.h, libopenblas).
#
# Imported target: OpenBLAS::OpenBLAS.   Result variables: OpenBLAS_FOUND, OpenBLAS_INCLUDE_DIR,
# OpenBLAS_LIBRARY.   Debian package: libopenblas-dev.
include(${CMAKE_CURRENT_LIST_DIR}/HMMKitFindLibrary.cmake)
hmmkit_find_c_library(OpenBLAS TARGET OpenBLAS::OpenBLAS HEADER cblas.h NAMES openblas
    PKG_CONFIG openblas PATH_SUFFIXES openblas openblas-pthread)
hmmkit_debian_hint(_hint libopenblas-dev)
find_package_handle_standard_args(OpenBLAS REQUIRED_VARS OpenBLAS_LIBRARY OpenBLAS_INCLUDE_DIR
    REASON_FAILURE_MESSAGE "${_hint}")
