package nodecast.log.redis;

import nodecast.log.LogUnavailableException;

/**
 * Redis answered, but with what nodecast never writes (a message that is not one, a record cut
 * short): the channel's data is damaged. Nothing was stored by the command that found it.
 */
final class DamagedLogException extends LogUnavailableException {
    private static final long serialVersionUID = 1L;

    DamagedLogException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
