import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import { isCallerError } from '../errors/errorExposure';
import { ClusterError } from '../kubernetes/kubernetesErrors';
import { RenderToolMissingError } from '../manifests/render/RenderToolMissingError';

/**
 * Answers errors that are not the caller's without internal detail: a
 * cluster's failure as 502/503 with what failed (never "you may not"),
 * anything else as 500. Each carries an error id; the detail (the API
 * server's words, SQL, stack) goes to the log under that id. Errors written
 * for the caller pass on to Backstage's error middleware.
 */
export function createErrorHandler(
  logger: LoggerService,
): express.ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent || isCallerError(error)) {
      next(error);
      return;
    }
    const errorId = randomUUID();
    const route = `${req.method} ${req.baseUrl}${req.path}`;
    if (error instanceof RenderToolMissingError) {
      // The platform's to fix; the message names the tool and the key, nothing more.
      logger.error(`${route} failed: ${error.message}`, { errorId });
      res.status(503).json({
        error: {
          name: error.name,
          message: `${error.message} (error id ${errorId})`,
        },
      });
      return;
    }
    if (error instanceof ClusterError) {
      logger.error(`${route} failed: ${error.message}`, {
        errorId,
        statusCode: error.statusCode,
      });
      // What the API server or the network said can name the account or the
      // server's address: kept out of responses and the default log level.
      logger.debug(`${route} failed: ${error.detail}`, { errorId });
      res.status(error.status).json({
        error: {
          name: 'ClusterError',
          message: `${error.message} (error id ${errorId})`,
        },
      });
      return;
    }
    logger.error(`${route} failed: ${error}`, {
      errorId,
      stack: error instanceof Error ? error.stack : undefined,
    });
    res.status(500).json({
      error: {
        name: 'InternalError',
        message: `Slipway could not complete the request because of an internal error; the platform team will find it in the backend log under error id ${errorId}`,
      },
    });
  };
}
