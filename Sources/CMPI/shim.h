// OpenMPI's handles are macros Swift cannot import; these functions return them.
#include <mpi.h>

static inline MPI_Comm hmmkit_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype hmmkit_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype hmmkit_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype hmmkit_mpi_long(void) { return MPI_LONG; }
static inline MPI_Op hmmkit_mpi_sum(void) { return MPI_SUM; }
static inline void *hmmkit_mpi_in_place(void) { return MPI_IN_PLACE; }
