import { z } from 'zod';

export const userRoleSchema = z.enum(['admin', 'manager', 'executive']);

export const userEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .pipe(z.email('an email address'));

/** NIST SP 800-63B: at least 8 characters, long passphrases allowed, no composition rules. */
export const newPasswordSchema = z
  .string()
  .min(10, 'at least 10 characters')
  .max(200, 'at most 200 characters')
  .refine((s) => !s.includes('\0'), 'must not contain NUL');

export const createUserBodySchema = z.strictObject({
  email: userEmailSchema,
  name: z.string().trim().max(200).optional(),
  role: userRoleSchema,
  password: newPasswordSchema,
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

export const signInBodySchema = z.strictObject({
  email: z.string().trim().toLowerCase().min(1, 'enter your email').max(320),
  password: z.string().min(1, 'enter your password').max(200),
});

export const changePasswordBodySchema = z
  .strictObject({
    currentPassword: z.string().min(1, 'enter your current password').max(200),
    newPassword: newPasswordSchema,
    confirmPassword: z.string().max(200),
  })
  .refine((b) => b.newPassword === b.confirmPassword, {
    path: ['confirmPassword'],
    message: 'does not match the new password',
  });

export const createApiKeyBodySchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'name the key')
    .max(100)
    .refine((s) => !/[\r\n\0]/.test(s), 'one line only'),
  role: z.enum(['admin', 'manager', 'executive', 'ingest']),
});

export interface UserDto {
  id: string;
  email: string;
  name: string | null;
  role: z.infer<typeof userRoleSchema>;
  lastSignInAt: string | null;
  createdAt: string;
}
