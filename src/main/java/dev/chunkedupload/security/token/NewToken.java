package dev.chunkedupload.security.token;

import java.time.Instant;

/**
 * A token just created: the only time its secret is shown.
 *
 * @param id the token's id
 * @param name what the owner called it
 * @param token the secret, for {@code Authorization: Bearer}
 * @param expires when it stops working
 */
public record NewToken(String id, String name, String token, Instant expires) {

}
