-- A copy of a production database must never exchange with Amazon as the production seller:
-- blank the credentials (API and AS2) and send the accounts back to "not connected".
UPDATE amazon_account
   SET lwa_client_id = NULL,
       lwa_client_secret = NULL,
       refresh_token = NULL,
       edi_private_key = NULL,
       edi_private_key_password = NULL,
       edi_amazon_url = NULL,
       state = 'draft',
       last_error = NULL;
