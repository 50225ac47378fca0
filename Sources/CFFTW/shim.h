#include <fftw3.h>

/* `fftw_version` is an array of unknown size, which Swift cannot import; this returns it. */
static inline const char *hmmkit_fftw_version(void) { return fftw_version; }
