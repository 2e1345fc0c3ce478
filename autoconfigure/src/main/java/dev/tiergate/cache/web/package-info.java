/**
 * HTTP for tiered caches in Spring MVC: RFC 9211's {@code Cache-Status} response header
 * and a request's {@code Cache-Control: no-cache}.
 */
@NullMarked
package dev.tiergate.cache.web;

import org.jspecify.annotations.NullMarked;
