package dev.fetchbus.store;

/**
 * A URL leased to this node, to be fetched before its lease runs out, with the validators last seen
 * for it in any job (null when there are none).
 */
public record ClaimedUrl(long id, long jobId, String url, String host, int partition, int depth, int attempts,
    String kind, Validators validators) {}
