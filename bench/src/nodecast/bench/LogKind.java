package nodecast.bench;

/** Where the server under test keeps its messages. */
enum LogKind {
    MEMORY("memory"), REDIS("redis");

    final String label;

    LogKind(String label) {
        this.label = label;
    }
}
