package nodecast.log;

/** A channel cannot be created here: the store holds as many as it may. Nothing was stored. */
public final class ChannelLimitException extends LogUnavailableException {
    private static final long serialVersionUID = 1L;

    public ChannelLimitException(String reason) {
        super(reason, null);
    }
}
