package dev.tiergate.cache.web;

import dev.tiergate.cache.CacheLookups;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.AsyncHandlerInterceptor;

/**
 * Opens a {@link CacheLookups} scope around each call of an annotated controller method,
 * so that {@link CacheStatusResponseAdvice} can say where its result came from; with
 * {@code Cache-Control: no-cache} on the request, the scope asks the caches that honour it
 * to skip their tiers.
 */
final class CacheStatusInterceptor implements AsyncHandlerInterceptor {

	static final String SCOPE_ATTRIBUTE = CacheStatusInterceptor.class.getName() + ".scope";

	private final CacheStatusPolicy policy;

	/**
	 * Creates the interceptor.
	 * @param policy which caches report and which honour no-cache
	 */
	CacheStatusInterceptor(CacheStatusPolicy policy) {
		this.policy = policy;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (handler instanceof HandlerMethod) {
			CacheLookups.Scope scope = noCache(request) ? CacheLookups.open(this.policy::honoursNoCache)
					: CacheLookups.open((cacheName) -> false);
			request.setAttribute(SCOPE_ATTRIBUTE, scope);
		}
		return true;
	}

	@Override
	public void afterConcurrentHandlingStarted(HttpServletRequest request, HttpServletResponse response,
			Object handler) {
		close(request);
	}

	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable Exception ex) {
		close(request);
	}

	private static void close(HttpServletRequest request) {
		if (request.getAttribute(SCOPE_ATTRIBUTE) instanceof CacheLookups.Scope scope) {
			scope.close();
		}
	}

	private static boolean noCache(HttpServletRequest request) {
		for (var values = request.getHeaders(HttpHeaders.CACHE_CONTROL); values.hasMoreElements();) {
			for (String directive : values.nextElement().split(",")) {
				String name = directive.strip();
				int equals = name.indexOf('=');
				if ((equals < 0 ? name : name.substring(0, equals).strip()).equalsIgnoreCase("no-cache")) {
					return true;
				}
			}
		}
		return false;
	}

}
