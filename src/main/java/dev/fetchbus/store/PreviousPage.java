package dev.fetchbus.store;

import dev.fetchbus.content.PageFacts;

/**
 * What was kept of the record a URL's validators came from: enough to record a 304 as the version
 * it revalidated (its facts and links), and whether that version's body is in the content store.
 */
public record PreviousPage(String contentType, long bytes, PageFacts facts, boolean bodyStored) {}
