/**
 * Rate limiting in Spring MVC applications: clients told apart by address, user or
 * header, the {@code X-RateLimit-*} headers, and the 429 problem answer.
 */
@NullMarked
package dev.tiergate.ratelimit.web;

import org.jspecify.annotations.NullMarked;
