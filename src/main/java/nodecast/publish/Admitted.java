package nodecast.publish;

/** A publish or clear that {@link PublishGate} let through: its form, and the key to fill into the next form page (null for none). */
record Admitted(PublishFields fields, String keyToKeep) {
}
