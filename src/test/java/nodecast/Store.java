package nodecast;

/** The two message logs a test can run its server on. */
enum Store { MEMORY, REDIS }
