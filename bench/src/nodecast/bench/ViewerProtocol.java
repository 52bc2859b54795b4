package nodecast.bench;

/**
 * How a viewer asks its server for the broadcast: a long poll asks again after each answer
 * ({@link PollProtocol}), a stream asks once and reads on ({@link StreamProtocol}). Called on the
 * viewer pool's one thread; an implementation keeps no state of its own, only what it leaves on the viewer.
 */
interface ViewerProtocol {
    /** Writes the viewer's next request, whole, into {@code out}; returns its length. */
    int writeNext(ViewerConnection viewer, byte[] out);
}
