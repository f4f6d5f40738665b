package dev.chunkedupload.security.token;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A token as its owner sees it in the list: never its secret.
 *
 * @param id the token's id, for revoking it
 * @param name what the owner called it
 * @param created when it was created
 * @param expires when it stops working
 * @param lastUsed when it was last used (to the minute), or {@code null} if never
 * @param expired whether it has stopped working
 */
public record ApiToken(String id, String name, Instant created, Instant expires,
		@JsonProperty("last_used") Instant lastUsed, boolean expired) {

}
