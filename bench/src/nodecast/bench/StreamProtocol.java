package nodecast.bench;

/**
 * How a streaming viewer follows its server: one request ({@link #writeNext}, sent once, as the
 * connection opens), then a response that never ends, read as it comes by a reader of the
 * viewer's own.
 */
interface StreamProtocol extends ViewerProtocol {
    /** A reader for one new connection's response. */
    StreamReader reader();
}
