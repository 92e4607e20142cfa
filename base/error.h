// Errors: liaison reports every failure as an exception derived from
// liaison::Error. The kind decides the command-line exit code:
//   UserError (1)  bad input or a request that cannot be honoured; nothing changed
//   Conflict  (3)  a merge or push met conflicts the user must resolve
//   Failure   (2)  the environment failed (I/O, corrupt copy, library error)
// Messages are one line, name what is wrong, and never contain secrets.
#pragma once

#include <stdexcept>
#include <string>

namespace liaison {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual int exit_code() const { return 2; }
};

class UserError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 1; }
};

class ConflictError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 3; }
};

class Failure : public Error {
 public:
  using Error::Error;
};

}  // namespace liaison
