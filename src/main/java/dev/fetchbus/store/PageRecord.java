package dev.fetchbus.store;

import dev.fetchbus.content.Response;
import java.util.List;

/**
 * One result per URL, as stored in {@code pages}: the fetch's {@link Response} as it came (its
 * fields are declared there only, shared with the fetch's outcome), and what the record adds.
 * {@code errorCode} is a fetch-taxonomy code, or null when the page was fetched with a 2xx status.
 * The response's {@code body} goes to the content store in the same statement (null: none kept).
 * {@code discovered} are the URLs the page adds to its job's frontier, written in the same
 * transaction as the record.
 */
public record PageRecord(
    long urlId,
    long jobId,
    Response response,
    int attempts,
    String errorCode,
    String errorMessage,
    List<NewUrl> discovered) {}
