package dev.tiergate.cache.web;

import dev.tiergate.cache.CacheLookups;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Writes RFC 9211's {@code Cache-Status} header on the response of a controller method
 * whose result came through a tiered cache, either annotation family:
 * {@code tiergate; hit; detail=l1} (or {@code l2}), {@code tiergate; fwd=miss; stored},
 * {@code tiergate; fwd=miss} (not stored), {@code tiergate; fwd=miss; collapsed} (waited
 * for another call's load) or {@code tiergate; fwd=bypass} (the request's
 * {@code Cache-Control: no-cache}). With several lookups, the last one speaks.
 */
@ControllerAdvice
public final class CacheStatusResponseAdvice implements ResponseBodyAdvice<Object> {

	/** The header of RFC 9211. */
	public static final String CACHE_STATUS = "Cache-Status";

	/** The name of the cache in the header's entries. */
	public static final String CACHE_NAME = "tiergate";

	private final CacheStatusPolicy policy;

	/**
	 * Creates the advice.
	 * @param policy which caches report
	 */
	public CacheStatusResponseAdvice(CacheStatusPolicy policy) {
		this.policy = policy;
	}

	/**
	 * Returns the interceptor that opens, per request, the scope this advice reads the
	 * lookups of; register it with Spring MVC.
	 * @return a new interceptor with this advice's policy
	 */
	public AsyncHandlerInterceptor interceptor() {
		return new CacheStatusInterceptor(this.policy);
	}

	@Override
	public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
		return true;
	}

	@Override
	public @Nullable Object beforeBodyWrite(@Nullable Object body, MethodParameter returnType,
			MediaType selectedContentType, Class<? extends HttpMessageConverter<?>> selectedConverterType,
			ServerHttpRequest request, ServerHttpResponse response) {
		if (request instanceof ServletServerHttpRequest servlet
				&& servlet.getServletRequest().getAttribute(CacheStatusInterceptor.SCOPE_ATTRIBUTE)
						instanceof CacheLookups.Scope scope) {
			CacheLookups.Lookup lookup = scope.lookup();
			String cacheName = scope.cacheName();
			if (lookup != null && cacheName != null && this.policy.reportsStatus(cacheName)
					&& !response.getHeaders().containsHeader(CACHE_STATUS)) {
				response.getHeaders().add(CACHE_STATUS, CACHE_NAME + "; " + lookup.cacheStatusParameters());
			}
		}
		return body;
	}

}
