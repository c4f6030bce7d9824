-- A copy of a production database must never exchange with Amazon as the production seller:
-- blank the credentials and send the accounts back to "not connected".
UPDATE amazon_account
   SET lwa_client_id = NULL,
       lwa_client_secret = NULL,
       refresh_token = NULL,
       state = 'draft',
       last_error = NULL;
