package dev.fetchbus.store;

/**
 * One result per URL, as stored in {@code pages}. {@code errorCode} is a fetch-taxonomy code, or
 * null when the page was fetched with a 2xx status. {@code discovered} are the URLs the page adds to
 * its job's frontier, written in the same transaction as the record.
 */
public record PageRecord(
    long urlId,
    long jobId,
    String finalUrl,
    Integer status,
    String contentType,
    long bytes,
    boolean truncated,
    String title,
    String contentHash,
    Integer links,
    int redirects,
    String etag,
    String lastModified,
    long fetchedAtMs,
    int elapsedMs,
    int attempts,
    String errorCode,
    String errorMessage,
    boolean notModified,
    java.util.List<NewUrl> discovered) {}
