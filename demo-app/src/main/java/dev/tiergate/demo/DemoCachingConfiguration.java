package dev.tiergate.demo;

import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;

/**
 * Spring's cache annotations, for {@link ProductReviews}: with
 * {@code tiergate.cache.spring.enabled} the {@code CacheManager} is tiergate's. On a class
 * of its own rather than on {@link DemoApplication}, so that test slices such as
 * {@code @WebMvcTest}, which do not load it, need no {@code CacheManager}.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
public class DemoCachingConfiguration {

}
