package dev.fetchbus.fetch;

/** One URL to fetch, with the per-job limits that apply to it. */
public record FetchTask(long urlId, long jobId, String url, int attempt, int timeoutMs, int maxBodyBytes) {}
