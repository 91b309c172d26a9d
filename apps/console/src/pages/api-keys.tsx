import { PageHeader } from '../ui/page';

export default function APIkeysPage() {
  return <PageHeader title="API keys" />;
}
