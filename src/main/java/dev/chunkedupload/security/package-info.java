/**
 * Who may do what: the security filter chain (HTTP Basic for scripts, form login and CSRF
 * for browser sessions, JSON problem answers for API clients) and where users come from.
 */
package dev.chunkedupload.security;
