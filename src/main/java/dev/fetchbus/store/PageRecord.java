package dev.fetchbus.store;

import dev.fetchbus.content.HttpExchange;
import dev.fetchbus.content.PageFacts;
import dev.fetchbus.content.StoredBody;
import java.util.List;

/**
 * One result per URL, as stored in {@code pages}. {@code errorCode} is a fetch-taxonomy code, or
 * null when the page was fetched with a 2xx status. {@code body} goes to the content store in the
 * same statement (null: none kept). {@code discovered} are the URLs the page adds to its job's
 * frontier, written in the same transaction as the record.
 */
public record PageRecord(
    long urlId,
    long jobId,
    String finalUrl,
    Integer status,
    String contentType,
    long bytes,
    boolean truncated,
    String contentHash,
    PageFacts facts,
    int redirects,
    String etag,
    String lastModified,
    long fetchedAtMs,
    int elapsedMs,
    int attempts,
    String errorCode,
    String errorMessage,
    boolean notModified,
    HttpExchange exchange,
    StoredBody body,
    List<NewUrl> discovered) {}
