# FindSndFile: libsndfile, which decodes WAV, FLAC, Ogg/Vorbis and more (sndfile.h, libsndfile).
#
# Imported target: SndFile::sndfile.   Result variables: SndFile_FOUND, SndFile_INCLUDE_DIR,
# SndFile_LIBRARY.   Debian package: libsndfile1-dev.
include(${CMAKE_CURRENT_LIST_DIR}/HMMKitFindLibrary.cmake)
hmmkit_find_c_library(SndFile TARGET SndFile::sndfile HEADER sndfile.h NAMES sndfile
    PKG_CONFIG sndfile)
hmmkit_debian_hint(_hint libsndfile1-dev)
find_package_handle_standard_args(SndFile REQUIRED_VARS SndFile_LIBRARY SndFile_INCLUDE_DIR
    REASON_FAILURE_MESSAGE "${_hint}")
