package dev.chunkedupload.upload.lease;

import java.util.Optional;

import jakarta.persistence.EntityManagerFactory;
import org.hibernate.HibernateException;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;

import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadRepository;

import org.springframework.dao.DataAccessException;
import org.springframework.orm.jpa.JpaSystemException;
import org.springframework.orm.jpa.hibernate.HibernateExceptionTranslator;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Reads an upload's row by id into a copy no persistence context manages: one select with
 * the pool's auto-commit, which is the first thing every chunk does, in every protocol.
 * Through the repository the same select also runs Spring's transaction interceptor and
 * opens a shared EntityManager, a Hibernate session and a proxy around it, only to close
 * them again: in a JFR profile of 16 uploads in 1 MiB chunks that was about an eighth of
 * the request threads' samples. The copy is what the core works from anyway (the lease
 * statements and the chunk's record are conditional statements on the row's version, not
 * JPA saves). Inside a transaction the repository answers, so the caller gets the copy
 * the transaction manages.
 */
@Component
public class UploadReads {

	private final SessionFactory sessions;

	private final UploadRepository repository;

	private final HibernateExceptionTranslator translator = new HibernateExceptionTranslator();

	UploadReads(EntityManagerFactory entityManagers, UploadRepository repository) {
		this.sessions = entityManagers.unwrap(SessionFactory.class);
		this.repository = repository;
	}

	/**
	 * The upload with an id, whoever owns it.
	 * @param uploadId the upload
	 * @return its row, or empty if there is none
	 */
	public Optional<ChunkedUpload> byId(String uploadId) {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			return this.repository.findById(uploadId);
		}
		try (StatelessSession session = this.sessions.openStatelessSession()) {
			return Optional.ofNullable(session.get(ChunkedUpload.class, uploadId));
		}
		catch (HibernateException ex) {
			// As the repository would throw it, so that every protocol's handler
			// answers a lost database with 503 database-unavailable, not 500.
			DataAccessException translated = this.translator.translateExceptionIfPossible(ex);
			throw (translated != null) ? translated : new JpaSystemException(ex);
		}
	}

}
