package dev.chunkedupload.upload.quota;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.chunkedupload.upload.error.QuotaExceededException;
import dev.chunkedupload.upload.error.QuotaExceededException.Quota;
import dev.chunkedupload.upload.model.ByteAllowance;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.ConcatRole;
import dev.chunkedupload.upload.model.NewUpload;
import dev.chunkedupload.upload.model.UploadAdmission;
import dev.chunkedupload.upload.quota.QuotaProperties.Limits;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The quotas as the core's admission: a new upload is refused when its owner would pass
 * one, and an upload without a declared length may grow only by what the byte quota
 * leaves. Each check is one aggregate query over the owner's rows (the owner index);
 * without a quota for the owner there is no query at all.
 * <p>
 * Two creations racing for the last of a quota may both pass: the check and the insert
 * are not one statement. The overshoot is bounded by the requests one user runs at once,
 * which is the trade for not serialising every user's creations.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class UserQuotas implements UploadAdmission {

	// Expired uploads still waiting for the sweep count for nothing: they cannot go on,
	// and their bytes are about to go.
	private static final String USAGE = """
			select owner,
			  coalesce(sum(case when status = 'COMPLETE' then upload_offset else 0 end), 0),
			  coalesce(sum(case when status = 'UPLOADING' then coalesce(total_length, upload_offset) else 0 end), 0),
			  coalesce(sum(case when status = 'UPLOADING' then 1 else 0 end), 0)
			from upload
			where (status = 'COMPLETE' or (status = 'UPLOADING' and expires_at > ?))""";

	private final JdbcTemplate jdbc;

	private final QuotaProperties properties;

	private final Clock clock;

	UserQuotas(JdbcTemplate jdbc, QuotaProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public void admit(NewUpload upload) {
		Limits limits = this.properties.limitsOf(upload.owner());
		// A final upload is assembled from partial ones that were admitted and counted
		// already, and are deleted once it is.
		if (!limits.any() || upload.details().concatRole() == ConcatRole.FINAL) {
			return;
		}
		QuotaUsage usage = usageOf(upload.owner());
		Integer maxIncomplete = limits.maxIncompleteUploadsPerUser();
		if (maxIncomplete != null && usage.incompleteUploads() >= maxIncomplete) {
			throw new QuotaExceededException(Quota.INCOMPLETE_UPLOADS, maxIncomplete,
					"You have " + usage.incompleteUploads() + " uploads in progress, the most allowed (" + maxIncomplete
							+ "): finish or delete one first");
		}
		if (limits.maxBytesPerUser() != null) {
			long max = limits.maxBytesPerUser().toBytes();
			ByteAllowance allowance = new ByteAllowance(max - usage.bytesCounted(), max);
			if (upload.declaredLength() != null) {
				allowance.check(upload.declaredLength());
			}
			else if (allowance.remaining() == 0) {
				// Without a length it could never store a byte.
				allowance.check(1);
			}
		}
	}

	@Override
	public ByteAllowance allowance(ChunkedUpload upload) {
		Limits limits = this.properties.limitsOf(upload.getOwner());
		if (limits.maxBytesPerUser() == null) {
			return ByteAllowance.UNLIMITED;
		}
		long max = limits.maxBytesPerUser().toBytes();
		// The upload itself is counted at its offset, so what is left is what it may add.
		return new ByteAllowance(max - usageOf(upload.getOwner()).bytesCounted(), max);
	}

	/**
	 * One user's usage.
	 * @param user the user name
	 * @return what the user holds, with the user's quotas
	 */
	public QuotaUsage usageOf(String user) {
		List<QuotaUsage> rows = this.jdbc.query(USAGE + " and owner = ? group by owner",
				(row, i) -> QuotaUsage.of(row.getString(1), row.getLong(2), row.getLong(3), row.getLong(4),
						this.properties.limitsOf(user)),
				OffsetDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC), user);
		return rows.isEmpty() ? QuotaUsage.of(user, 0, 0, 0, this.properties.limitsOf(user)) : rows.get(0);
	}

	/**
	 * Every user's usage: those who hold anything and those with quotas of their own, by
	 * name.
	 * @return the users' usage
	 */
	public List<QuotaUsage> usage() {
		Map<String, QuotaUsage> usage = new TreeMap<>();
		this.properties.users()
			.keySet()
			.forEach((user) -> usage.put(user, QuotaUsage.of(user, 0, 0, 0, this.properties.limitsOf(user))));
		this.jdbc.query(USAGE + " group by owner", (row) -> {
			String user = row.getString(1);
			usage.put(user, QuotaUsage.of(user, row.getLong(2), row.getLong(3), row.getLong(4),
					this.properties.limitsOf(user)));
		}, OffsetDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC));
		return List.copyOf(usage.values());
	}

}
