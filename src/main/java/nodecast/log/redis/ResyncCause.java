package nodecast.log.redis;

/** Why a channel is read afresh: the label of {@code nodecast_redis_resyncs_total}. */
enum ResyncCause {
    /** Its subscription was made (again): what was published before it must be read. */
    SUBSCRIBED("subscribed"),
    /** An id came before the ones between it and the last one held. */
    GAP("gap"),
    /** An event named a log this instance does not hold. */
    NEW_LOG("new-log"),
    /** The message Redis holds at an id is not the one this instance holds there: writes were lost. */
    WENT_BACK("went-back"),
    /** An event nodecast could not read. */
    GARBLED("garbled");

    final String label;

    ResyncCause(String label) {
        this.label = label;
    }
}
