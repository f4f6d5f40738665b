package dev.chunkedupload.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.UploadSweeper;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadStatus;
import dev.chunkedupload.upload.quota.UserQuotas;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Every user's uploads for administrators (the filter chain lets only role ADMIN in):
 * filters, totals, delete, and the expiry sweep on demand. Plain forms with the CSRF
 * token and a redirect after each POST, so the page works without its script.
 */
@Controller
@RequestMapping("/admin/uploads")
class AdminUploadsController {

	static final int SWEEP_BATCH_SIZE = 100;

	static final List<String> STATUSES = List.of("uploading", "complete", "expired", "aborted");

	private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final UploadService uploads;

	private final UploadSweeper sweeper;

	private final UserQuotas quotas;

	private final int maxRows;

	AdminUploadsController(UploadService uploads, UploadSweeper sweeper, UserQuotas quotas,
			PagesProperties properties) {
		this.uploads = uploads;
		this.sweeper = sweeper;
		this.quotas = quotas;
		this.maxRows = properties.adminPageRows();
	}

	@GetMapping
	String list(@RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String status,
			Authentication authentication, Model model) {
		String selectedStatus = STATUSES.contains(status) ? status : "";
		List<ChunkedUpload> all = this.uploads.list(UploadsController.caller(authentication), true);
		TreeSet<String> owners = new TreeSet<>();
		all.forEach((upload) -> owners.add(upload.getOwner()));
		List<ChunkedUpload> ofUser = all.stream()
			.filter((upload) -> user.isEmpty() || upload.getOwner().equals(user))
			.toList();
		List<Row> matching = ofUser.stream()
			.map((upload) -> Row.of(upload, this.uploads.statusOf(upload)))
			.filter((row) -> selectedStatus.isEmpty() ? !row.status().equals("aborted")
					: row.status().equals(selectedStatus))
			.toList();
		model.addAttribute("rows", matching.stream().limit(this.maxRows).toList());
		model.addAttribute("matching", matching.size());
		model.addAttribute("owners", owners);
		model.addAttribute("statuses", STATUSES);
		model.addAttribute("selectedUser", user);
		model.addAttribute("selectedStatus", selectedStatus);
		model.addAttribute("totals", Totals.of(ofUser, this.uploads));
		model.addAttribute("usage", this.quotas.usage());
		return "admin/uploads";
	}

	@PostMapping("/{uploadId}/delete")
	String delete(@PathVariable String uploadId, @RequestParam(defaultValue = "") String user,
			@RequestParam(defaultValue = "") String status, Authentication authentication,
			RedirectAttributes redirect) {
		Caller caller = UploadsController.caller(authentication);
		try {
			ChunkedUpload upload = this.uploads.get(caller, uploadId);
			this.uploads.delete(caller, uploadId);
			redirect.addFlashAttribute("message",
					"Deleted " + upload.getFilename() + " of " + upload.getOwner() + " (" + uploadId + ").");
		}
		catch (UploadNotFoundException ex) {
			redirect.addFlashAttribute("error", "There is no upload " + uploadId + ".");
		}
		catch (UploadBusyException ex) {
			redirect.addFlashAttribute("error",
					"Upload " + uploadId + " is being written right now; try again in a moment.");
		}
		return backTo(user, status, redirect);
	}

	@PostMapping("/sweep")
	String sweep(@RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String status,
			RedirectAttributes redirect) {
		int expired = this.sweeper.expireIdleUploads(SWEEP_BATCH_SIZE);
		redirect.addFlashAttribute("message", "Expiry sweep done: " + expired
				+ ((expired == 1) ? " upload" : " uploads") + " expired and their bytes deleted.");
		return backTo(user, status, redirect);
	}

	private static String backTo(String user, String status, RedirectAttributes redirect) {
		if (!user.isEmpty()) {
			redirect.addAttribute("user", user);
		}
		if (STATUSES.contains(status)) {
			redirect.addAttribute("status", status);
		}
		return "redirect:/admin/uploads";
	}

	static String iso(Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	static String utc(Instant instant) {
		return (instant != null) ? UTC.format(instant) : "";
	}

	/**
	 * One upload as the table shows it.
	 *
	 * @param id the upload id
	 * @param owner its owner
	 * @param filename its file name
	 * @param protocol the protocol that created it
	 * @param status its status now (expired as soon as it is idle past its expiry)
	 * @param size its total length as text, or what is known of it
	 * @param progress bytes received of the total, for incomplete uploads
	 * @param md5 the MD5 of a complete upload
	 * @param created when it was created, ISO-8601
	 * @param createdText the same for reading
	 * @param lastActivity its last accepted chunk, ISO-8601
	 * @param lastActivityText the same for reading
	 * @param downloadable whether its bytes can be downloaded
	 * @param deletable whether it still has something to delete
	 */
	record Row(String id, String owner, String filename, String protocol, String status, String size, String progress,
			String md5, String created, String createdText, String lastActivity, String lastActivityText,
			boolean downloadable, boolean deletable) {

		static Row of(ChunkedUpload upload, UploadStatus status) {
			String name = status.name().toLowerCase(Locale.ROOT);
			Long total = upload.getTotalLength().orElse(null);
			String progress = (status == UploadStatus.UPLOADING)
					? Sizes.human(upload.getOffset()) + " of " + ((total != null) ? Sizes.human(total) : "unknown")
					: "";
			return new Row(upload.getId(), upload.getOwner(), upload.getFilename(),
					upload.getProtocol().name().toLowerCase(Locale.ROOT), name,
					(total != null) ? Sizes.human(total) : "unknown", progress, upload.getMd5().orElse(""),
					iso(upload.getCreatedAt()), utc(upload.getCreatedAt()), iso(upload.getLastActivityAt()),
					utc(upload.getLastActivityAt()), status == UploadStatus.COMPLETE, status != UploadStatus.ABORTED);
		}

	}

	/**
	 * What the uploads of the selected user (or everyone) amount to.
	 *
	 * @param bytesStored bytes on disk: complete files, and what incomplete uploads have
	 * received until the sweep deletes them
	 * @param bytesStoredText the same for reading
	 * @param complete complete uploads
	 * @param inProgress incomplete uploads that may still continue
	 * @param expired uploads idle past their expiry, swept or not
	 * @param awaitingSweep expired uploads whose bytes the sweep has not deleted yet
	 */
	record Totals(long bytesStored, String bytesStoredText, long complete, long inProgress, long expired,
			long awaitingSweep) {

		static Totals of(List<ChunkedUpload> uploads, UploadService service) {
			long bytes = 0;
			long complete = 0;
			long inProgress = 0;
			long expired = 0;
			long awaitingSweep = 0;
			for (ChunkedUpload upload : uploads) {
				UploadStatus now = service.statusOf(upload);
				if (upload.getStatus() == UploadStatus.COMPLETE || upload.getStatus() == UploadStatus.UPLOADING) {
					bytes += upload.getOffset();
				}
				if (now == UploadStatus.COMPLETE) {
					complete++;
				}
				else if (now == UploadStatus.UPLOADING) {
					inProgress++;
				}
				else if (now == UploadStatus.EXPIRED) {
					expired++;
					if (upload.getStatus() == UploadStatus.UPLOADING) {
						awaitingSweep++;
					}
				}
			}
			return new Totals(bytes, Sizes.human(bytes), complete, inProgress, expired, awaitingSweep);
		}

	}

}
