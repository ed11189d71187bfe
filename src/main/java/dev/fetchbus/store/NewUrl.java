package dev.fetchbus.store;

/** A URL to add to a job's frontier: a seed, a link found on a page, or a sitemap entry. */
public record NewUrl(String url, String host, int partition, int depth, String kind, Long discoveredFrom) {}
