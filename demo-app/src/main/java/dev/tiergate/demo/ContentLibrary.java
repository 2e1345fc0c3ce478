package dev.tiergate.demo;

import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.ratelimit.RateLimited;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * Content pages, rendered by a slow backend that the demo simulates: cached in the
 * {@code content} tiered cache and limited by the {@code content} tier (100 in a burst,
 * 10 a second, per client). The rate limit runs outside the cache, so an answer from the
 * cache still takes a token: the limit protects the service, not only the backend.
 */
@Service
public class ContentLibrary {

	private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

	private static final int MAX_SLUG_LENGTH = 64;

	private final DemoProperties properties;

	private final AtomicLong renders = new AtomicLong();

	public ContentLibrary(DemoProperties properties) {
		this.properties = properties;
	}

	/**
	 * Returns whether a slug names a page: lowercase words joined by dashes.
	 * @param slug the slug
	 * @return whether there is a page of that name
	 */
	public static boolean isValidSlug(String slug) {
		return slug.length() <= MAX_SLUG_LENGTH && SLUG.matcher(slug).matches();
	}

	/**
	 * Renders a page, calling the backend only when neither cache tier has it.
	 * @param slug the page's slug
	 * @return the page, or {@code null} if the slug names none
	 */
	@RateLimited("content")
	@TieredCacheable("content")
	public @Nullable Article find(String slug) {
		if (!isValidSlug(slug)) {
			return null;
		}
		this.renders.incrementAndGet();
		Delays.pause(this.properties.backendDelay());
		String title = Character.toUpperCase(slug.charAt(0)) + slug.substring(1).replace('-', ' ');
		return new Article(slug, title, "Everything worth knowing about " + title.toLowerCase() + ".");
	}

	/**
	 * Returns how many pages the backend rendered.
	 * @return the calls that reached the backend
	 */
	public long renders() {
		return this.renders.get();
	}

}
