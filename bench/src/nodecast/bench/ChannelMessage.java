package nodecast.bench;

/** One message of one channel: ids count from 0 in each channel (channel 0 for a server without channels). */
record ChannelMessage(int channel, long id) {
}
