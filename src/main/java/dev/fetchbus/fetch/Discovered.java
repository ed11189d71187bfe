package dev.fetchbus.fetch;

/** A URL found on a page or in a sitemap, already normalised and in the job's scope. */
public record Discovered(String url, String host, String kind) {}
